import { APPEND_ONLY_TABLES } from '@trellis/activity';
import type { Knex } from '@trellis/db';

/** knex's bookkeeping: only the migration role reads or writes it. */
const MIGRATION_TABLES = ['knex_migrations', 'knex_migrations_lock'];

/**
 * Gives the runtime role exactly the data rights each table needs, after every migration run:
 * SELECT, INSERT, UPDATE and DELETE on every table in `public` (every module's, whatever
 * migration created it), only SELECT and INSERT on append-only tables (the activity feed), and
 * nothing on knex's migration tables. No TRUNCATE, REFERENCES or TRIGGER, and no ownership, so it
 * cannot create, alter or drop anything. Run by the migration role (the tables' owner), in one
 * transaction; it starts by revoking everything, so it is idempotent and removes stale rights.
 * Identifiers are bound with `??` (quoted by knex), never interpolated.
 */
export async function grantRuntimePrivileges(knex: Knex, role: string): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('grant usage on schema public to ??', [role]);
    await trx.raw('revoke all on all tables in schema public from ??', [role]);
    await trx.raw('grant select, insert, update, delete on all tables in schema public to ??', [
      role,
    ]);
    await trx.raw('revoke all on all sequences in schema public from ??', [role]);
    await trx.raw('grant usage, select on all sequences in schema public to ??', [role]);
    for (const table of APPEND_ONLY_TABLES) {
      await trx.raw('revoke update, delete on ?? from ??', [table, role]);
    }
    for (const table of MIGRATION_TABLES) {
      await trx.raw('revoke all on ?? from ??', [table, role]);
    }
  });
}

/** The role a connection URL signs in as (its user name), or undefined without one. */
export function roleOfUrl(url: string): string | undefined {
  const user = decodeURIComponent(new URL(url).username);
  return user === '' ? undefined : user;
}

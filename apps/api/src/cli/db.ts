import { parseArgs } from 'node:util';
import { createDatabase, Migrator, type Database } from '@trellis/db';
import { resolveDatabaseUrl } from '../database/resolve-database-url';
import { grantRuntimePrivileges } from '../database/runtime-privileges';
import { allMigrations } from '../migrations';
import { runMain } from '../startup/run-main';
import { readSettings } from '../startup/settings';
import { startupDatabaseLogger } from '../startup/startup-database-logger';
import { scriptArguments } from './script-arguments';

const USAGE = 'usage: pnpm db:migrate | pnpm db:rollback [-- --all] | pnpm db:status';

class UsageError extends Error {}

/** Applied migrations by batch (knex's bookkeeping table), newest batch last. */
async function appliedBatches(db: Database): Promise<Map<number, string[]>> {
  const batches = new Map<number, string[]>();
  if (!(await db.knex.schema.hasTable('knex_migrations'))) return batches;
  const rows = await db
    .knex<{ name: string; batch: number }>('knex_migrations')
    .select('name', 'batch')
    .orderBy('id');
  for (const row of rows) batches.set(row.batch, [...(batches.get(row.batch) ?? []), row.name]);
  return batches;
}

/**
 * `db:rollback` undoes the last batch (the migrations one `db:migrate` or one start applied).
 * When that batch is the whole schema (a database migrated once) it would drop every table, so
 * it asks for `--all` instead of doing that silently.
 */
async function rollback(db: Database, migrator: Migrator, all: boolean): Promise<string[]> {
  if (!all) {
    const batches = await appliedBatches(db);
    if (batches.size === 1) {
      const [only] = [...batches.values()];
      throw new UsageError(
        `the last batch holds every applied migration (${only!.length}): rolling it back drops the whole schema and its data; run \`pnpm db:rollback -- --all\` if that is what you want`,
      );
    }
  }
  return migrator.rollback({ all });
}

/**
 * `pnpm db:migrate | db:rollback | db:status` as the migration role (DATABASE_MIGRATION_URL, else
 * DATABASE_URL) or on the embedded server; `migrate` then grants the runtime role its rights.
 */
async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { all: { type: 'boolean', default: false } },
  });
  const [command] = positionals;
  if (command !== 'migrate' && command !== 'rollback' && command !== 'status') {
    throw new UsageError(USAGE);
  }
  const { database: settings } = readSettings();
  const database = await resolveDatabaseUrl();
  // A command: the one failure line says it all, knex's per-attempt warnings add nothing.
  const db = createDatabase(
    { ...settings, url: database.migrationUrl },
    { logger: startupDatabaseLogger().logger },
  );
  try {
    const migrator = new Migrator(db, allMigrations);
    if (command === 'migrate') {
      const applied = await migrator.latest();
      if (database.runtimeRole) await grantRuntimePrivileges(db.knex, database.runtimeRole);
      console.log(applied.length ? `Applied:\n  ${applied.join('\n  ')}` : 'Already up to date.');
    } else if (command === 'rollback') {
      const rolledBack = await rollback(db, migrator, values.all);
      console.log(
        rolledBack.length ? `Rolled back:\n  ${rolledBack.join('\n  ')}` : 'Nothing to roll back.',
      );
    } else {
      for (const { name, applied } of await migrator.status())
        console.log(`${applied ? 'applied' : 'pending'}  ${name}`);
    }
  } finally {
    await db.close();
    await database.stop();
  }
}

await runMain(() => run(scriptArguments()));

import type { Knex } from 'knex';
import type { Database } from '../database';
import type { Migration } from './migration';

const MIGRATION_NAME = /^\d{14}_[a-z0-9_]+$/;
// pg_advisory_xact_lock key shared by every process that migrates this database.
const MIGRATION_LOCK_KEY = 7_245_110_001;

export interface MigrationStatus {
  name: string;
  applied: boolean;
}

class ListMigrationSource implements Knex.MigrationSource<Migration> {
  constructor(private readonly migrations: readonly Migration[]) {}
  getMigrations(): Promise<Migration[]> {
    return Promise.resolve([...this.migrations]);
  }
  getMigrationName(migration: Migration): string {
    return migration.name;
  }
  getMigration(migration: Migration): Promise<Migration> {
    return Promise.resolve(migration);
  }
}

/** Sorts the migrations of several packages into one order and rejects bad or duplicate names. */
export function collectMigrations(...groups: ReadonlyArray<readonly Migration[]>): Migration[] {
  const all = groups.flat();
  const seen = new Set<string>();
  for (const migration of all) {
    if (!MIGRATION_NAME.test(migration.name)) {
      throw new Error(
        `Migration name ${migration.name} must look like 20261125120000_module_change`,
      );
    }
    if (seen.has(migration.name)) throw new Error(`Migration ${migration.name} is listed twice`);
    seen.add(migration.name);
  }
  // Plain code-unit order: localeCompare would make the order depend on the machine's locale.
  return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * knex migrations from an explicit list (bundles and tests need no file scanning). Every run
 * happens in one transaction holding a transaction-level advisory lock, so two processes
 * migrating at once apply each migration once, and a failed migration leaves nothing behind.
 */
export class Migrator {
  readonly #knex: Knex;
  readonly #source: ListMigrationSource;

  constructor(database: Database | Knex, migrations: readonly Migration[]) {
    this.#knex =
      'knex' in database && typeof database.knex === 'function'
        ? database.knex
        : (database as Knex);
    this.#source = new ListMigrationSource(collectMigrations(migrations));
  }

  /** Applies every pending migration; returns the names applied. */
  async latest(): Promise<string[]> {
    const [, applied] = (await this.#locked((trx) => trx.migrate.latest(this.#config()))) as [
      number,
      string[],
    ];
    return applied;
  }

  /** Rolls back the last batch (or everything with `all`); returns the names rolled back. */
  async rollback(options: { all?: boolean } = {}): Promise<string[]> {
    const [, rolledBack] = (await this.#locked((trx) =>
      trx.migrate.rollback(this.#config(), options.all ?? false),
    )) as [number, string[]];
    return rolledBack;
  }

  async status(): Promise<MigrationStatus[]> {
    const [completed, pending] = (await this.#locked((trx) =>
      trx.migrate.list(this.#config()),
    )) as [Array<{ name: string }>, Migration[]];
    return [
      ...completed.map((entry) => ({ name: entry.name, applied: true })),
      ...pending.map((migration) => ({ name: migration.name, applied: false })),
    ];
  }

  #config(): Knex.MigratorConfig {
    return { migrationSource: this.#source, tableName: 'knex_migrations' };
  }

  #locked<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.#knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
      return fn(trx);
    });
  }
}

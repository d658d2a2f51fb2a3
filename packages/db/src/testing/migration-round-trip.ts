import type { Database } from '../database';
import type { Migration } from '../migrations/migration';
import { Migrator } from '../migrations/migrator';

export interface RoundTrip {
  before: string[];
  afterRollback: string[];
  afterLatest: string[];
}

async function presentTables(db: Database, tables: readonly string[]): Promise<string[]> {
  const { rows } = await db.knex.raw<{ rows: Array<{ table_name: string }> }>(
    "select table_name from information_schema.tables where table_schema = 'public' and table_name = any(?)",
    [[...tables]],
  );
  return rows.map((row) => row.table_name).sort();
}

/**
 * Rolls every migration back, then applies them all again, and reports which of `tables`
 * exist at each step: a module's test proves its `down` undoes its `up` (expect
 * `{ before: tables, afterRollback: [], afterLatest: tables }`).
 */
export async function migrationRoundTrip(
  db: Database,
  migrations: readonly Migration[],
  tables: readonly string[],
): Promise<RoundTrip> {
  const migrator = new Migrator(db, migrations);
  const before = await presentTables(db, tables);
  await migrator.rollback({ all: true });
  const afterRollback = await presentTables(db, tables);
  await migrator.latest();
  return { before, afterRollback, afterLatest: await presentTables(db, tables) };
}

import { createDatabase, Migrator, type DatabaseConfig } from '@trellis/db';
import { allMigrations } from '../migrations';
import type { ResolvedDatabase } from './resolve-database-url';
import { grantRuntimePrivileges } from './runtime-privileges';

/**
 * Applies pending migrations as the migration role (its own short-lived connection, closed
 * before returning: the serving pool never holds those credentials' connections), then gives the
 * runtime role its data rights. Returns the names of the migrations applied.
 */
export async function migrateDatabase(
  database: ResolvedDatabase,
  settings: DatabaseConfig,
  options: Parameters<typeof createDatabase>[1] = {},
): Promise<string[]> {
  const db = createDatabase(
    { ...settings, url: database.migrationUrl, pool: { ...settings.pool, min: 0, max: 1 } },
    options,
  );
  try {
    const applied = await new Migrator(db, allMigrations).latest();
    if (database.runtimeRole) await grantRuntimePrivileges(db.knex, database.runtimeRole);
    return applied;
  } finally {
    await db.close();
  }
}

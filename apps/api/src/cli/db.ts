import { createDatabase, Migrator, readDatabaseConfig } from '@trellis/db';
import { resolveDatabaseUrl } from '../database/resolve-database-url';
import { grantRuntimePrivileges } from '../database/runtime-privileges';
import { allMigrations } from '../migrations';

/**
 * `pnpm db:migrate | db:rollback | db:status` as the migration role (DATABASE_MIGRATION_URL, else
 * DATABASE_URL) or on the embedded server; `migrate` then grants the runtime role its rights.
 */
async function run(command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'rollback' && command !== 'status') {
    throw new Error('usage: db.ts migrate | rollback | status');
  }
  const database = await resolveDatabaseUrl();
  const db = createDatabase(readDatabaseConfig(process.env, { url: database.migrationUrl }));
  try {
    const migrator = new Migrator(db, allMigrations);
    if (command === 'migrate') {
      const applied = await migrator.latest();
      if (database.runtimeRole) await grantRuntimePrivileges(db.knex, database.runtimeRole);
      console.log(applied.length ? `Applied:\n  ${applied.join('\n  ')}` : 'Already up to date.');
    } else if (command === 'rollback') {
      const rolledBack = await migrator.rollback();
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

run(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

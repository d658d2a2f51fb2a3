import { createDatabase, Migrator, readDatabaseConfig } from '@trellis/db';
import { resolveDatabaseUrl } from '../database/resolve-database-url';
import { allMigrations } from '../migrations';

/** `pnpm db:migrate | db:rollback | db:status` against DATABASE_URL or the embedded server. */
async function run(command: string | undefined): Promise<void> {
  if (command !== 'migrate' && command !== 'rollback' && command !== 'status') {
    throw new Error('usage: db.ts migrate | rollback | status');
  }
  const database = await resolveDatabaseUrl();
  const db = createDatabase(readDatabaseConfig(process.env, { url: database.url }));
  try {
    const migrator = new Migrator(db, allMigrations);
    if (command === 'migrate') {
      const applied = await migrator.latest();
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

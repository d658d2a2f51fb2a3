import { parseArgs } from 'node:util';
import { createDatabase } from '@trellis/db';
import { migrateDatabase } from '../database/migrate-database';
import { resolveDatabaseUrl } from '../database/resolve-database-url';
import { seedDemo } from '../seed/seed-demo';
import { printDemoInstructions } from '../seed/demo-instructions';
import { runMain } from '../startup/run-main';
import { readSettings } from '../startup/settings';
import { startupDatabaseLogger } from '../startup/startup-database-logger';
import { scriptArguments } from './script-arguments';

/**
 * `pnpm db:seed [--tasks N]` (or `pnpm db:seed -- --tasks N`): migrates, then fills an empty
 * database with the demo workspace, in one transaction (a run cut short leaves nothing).
 */
async function seed(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { tasks: { type: 'string', default: '3000' } },
  });
  const tasks = Number(values.tasks);
  if (!Number.isInteger(tasks) || tasks < 0) {
    throw new Error(`--tasks must be a whole number, got ${values.tasks}`);
  }
  const { api, database: settings } = readSettings();
  const database = await resolveDatabaseUrl();
  // A command: the one failure line says it all, knex's per-attempt warnings add nothing.
  const db = createDatabase(
    { ...settings, url: database.url },
    { logger: startupDatabaseLogger().logger },
  );
  try {
    await migrateDatabase(database, settings, { logger: startupDatabaseLogger().logger });
    const started = Date.now();
    const result = await seedDemo(db, {
      tasks,
      onProgress: (written, total) => process.stdout.write(`\rseeding tasks: ${written}/${total}`),
    });
    if (tasks > 0) process.stdout.write('\n');
    if (result.seeded) {
      console.log(
        `Seeded ${result.tasks} tasks and ${result.comments} comments in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
      );
      printDemoInstructions(`http://${api.HOST}:${api.PORT}`);
    } else {
      console.log(`Nothing seeded: ${result.reason}.`);
    }
  } finally {
    await db.close();
    await database.stop();
  }
}

await runMain(() => seed(scriptArguments()));

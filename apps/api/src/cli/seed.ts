import { parseArgs } from 'node:util';
import { createDatabase, readDatabaseConfig } from '@trellis/db';
import { migrateDatabase } from '../database/migrate-database';
import { resolveDatabaseUrl } from '../database/resolve-database-url';
import { seedDemo } from '../seed/seed-demo';
import { printDemoInstructions } from '../seed/demo-instructions';

/** `pnpm db:seed [--tasks N]`: migrates, then fills an empty database with the demo workspace. */
const { values } = parseArgs({ options: { tasks: { type: 'string', default: '3000' } } });
const tasks = Number(values.tasks);
if (!Number.isInteger(tasks) || tasks < 0) {
  console.error('--tasks must be a whole number');
  process.exit(1);
}

const database = await resolveDatabaseUrl();
const settings = readDatabaseConfig(process.env, { url: database.url });
const db = createDatabase(settings);
try {
  await migrateDatabase(database, settings);
  const started = Date.now();
  const result = await seedDemo(db, {
    tasks,
    onProgress: (written, total) => process.stdout.write(`\rseeding tasks: ${written}/${total}`),
  });
  process.stdout.write('\n');
  if (result.seeded) {
    console.log(
      `Seeded ${result.tasks} tasks and ${result.comments} comments in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
    printDemoInstructions(
      `http://${process.env.HOST ?? '127.0.0.1'}:${process.env.PORT ?? '3000'}`,
    );
  } else {
    console.log(`Nothing seeded: ${result.reason}.`);
  }
} finally {
  await db.close();
  await database.stop();
}

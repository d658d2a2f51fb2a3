import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { allMigrations } from '@trellis/api';
import { migratedTestServer } from '@trellis/db/testing';

const startDatabase = migratedTestServer(allMigrations);

/** Builds the binary the tests run (dist/trellis.js, with the package's build: tsup), then the database. */
export default async function setup(project: Parameters<typeof startDatabase>[0]) {
  const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  execFileSync(path.join(packageDir, 'node_modules/.bin/tsup'), ['--silent'], {
    cwd: packageDir,
    stdio: 'pipe',
  });
  return startDatabase(project);
}

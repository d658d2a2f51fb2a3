import { collectMigrations } from '../migrations/migrator';
import type { Migration } from '../migrations/migration';
import { startTestServer, type TestServerInfo } from './test-server';

/** The part of vitest's `TestProject` a global setup uses (structural: no vitest import here). */
export interface ProvidingProject {
  provide(key: 'trellisTestServer', value: TestServerInfo): void;
}

/**
 * A package's whole vitest `globalSetup`:
 * `export default migratedTestServer(identityMigrations, activityMigrations, ownMigrations)`.
 *
 * Callers name the migration lists their tables need, in any order: the order they apply in is
 * the one global order of `collectMigrations` (by the timestamp in each name), the same order
 * the API migrates a real database in. No package keeps an order of its own.
 */
export function migratedTestServer(
  ...groups: ReadonlyArray<readonly Migration[]>
): (project: ProvidingProject) => Promise<() => Promise<void>> {
  return async function setup(project) {
    const server = await startTestServer({ migrations: collectMigrations(...groups) });
    project.provide('trellisTestServer', { adminUrl: server.adminUrl, template: server.template });
    return () => server.stop();
  };
}

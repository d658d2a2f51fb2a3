import { startTestServer, type ProvidingProject } from '@trellis/db/testing';
import { grantRuntimePrivileges } from '../src/database/runtime-privileges';
import { allMigrations } from '../src/migrations';

/**
 * The API's tests run as a least-privilege runtime role, as production does: the template is
 * migrated by the admin role (the tables' owner, standing in for the migration role), then the
 * API's own grants step gives `trellis_test_runtime` its data rights, and every test file's
 * server connects as that role (`useTestDatabase().url`). Fixtures that need DDL or table locks
 * use `openAsOwner()`. The fault tests (real processes, admin inspection of pg_stat_activity)
 * keep the admin role.
 */
export const TEST_RUNTIME_ROLE = { name: 'trellis_test_runtime', password: 'trellis-test-runtime' };

export default async function setup(project: ProvidingProject & { name: string }) {
  const server = await startTestServer({
    migrations: allMigrations,
    ...(project.name === 'faults'
      ? {}
      : { runtimeRole: { ...TEST_RUNTIME_ROLE, grant: grantRuntimePrivileges } }),
  });
  project.provide('trellisTestServer', {
    adminUrl: server.adminUrl,
    template: server.template,
    ...(server.runtimeRole ? { runtimeRole: server.runtimeRole } : {}),
  });
  return () => server.stop();
}

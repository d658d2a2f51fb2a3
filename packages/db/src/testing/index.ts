export { startTestServer } from './test-server';
export { migratedTestServer } from './global-setup';
export type { ProvidingProject } from './global-setup';
export type { TestRuntimeRole, TestServer, TestServerInfo } from './test-server';
export { useTestDatabase, assertNoConnectionsInUse } from './test-database';
export type { TestDatabase } from './test-database';
export { withAdminClient, databaseUrl } from './admin';
export { migrationRoundTrip } from './migration-round-trip';
export type { RoundTrip } from './migration-round-trip';

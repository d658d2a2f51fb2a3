export { startTestServer } from './test-server';
export type { TestServer, TestServerInfo } from './test-server';
export { useTestDatabase, assertNoConnectionsInUse } from './test-database';
export type { TestDatabase } from './test-database';
export { withAdminClient, databaseUrl } from './admin';
export { migrationRoundTrip } from './migration-round-trip';
export type { RoundTrip } from './migration-round-trip';

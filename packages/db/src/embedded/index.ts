export { startEmbeddedServer, sweepEphemeralServers } from './embedded-server';
export type { EmbeddedServer, EmbeddedServerOptions } from './embedded-server';
export { dataDirectory, findWorkspaceRoot } from './workspace-root';
export { stopOrphanedServer } from './orphans';
export { findFreePort } from './free-port';
export { EmbeddedServerAccessError } from './postgres-user-access';

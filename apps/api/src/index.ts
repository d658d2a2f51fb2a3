export type { AppRouter } from './app-router';
export { appRouter } from './app-router';
export { buildServer } from './http/build-server';
export { createLogger } from './logging';
export type { ApiServer, ServerDependencies } from './http/build-server';
export { readApiConfig } from './config';
export type { ApiConfig } from './config';
export { allMigrations } from './migrations';

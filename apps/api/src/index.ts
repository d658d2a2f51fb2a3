export type { AppRouter } from './app-router';
export { appRouter } from './app-router';
export { buildServer } from './http/build-server';
export type { ServerDependencies } from './http/build-server';
export { readApiConfig } from './config';
export type { ApiConfig } from './config';
export { allMigrations } from './migrations';

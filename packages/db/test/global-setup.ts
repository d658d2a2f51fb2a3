import type { TestProject } from 'vitest/node';
import { startTestServer } from '../src/testing';
import { libraryMigrations } from './fixtures/library';

export default async function setup(project: TestProject) {
  const server = await startTestServer({ migrations: libraryMigrations });
  project.provide('trellisTestServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}

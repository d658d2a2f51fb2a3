import { startTestServer } from '@trellis/db/testing';
import type { TestProject } from 'vitest/node';
import { allMigrations } from '@trellis/api';

export default async function setup(project: TestProject) {
  const server = await startTestServer({ migrations: allMigrations });
  project.provide('trellisTestServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}

import { startTestServer } from '@trellis/db/testing';
import type { TestProject } from 'vitest/node';
import { activityMigrations } from '@trellis/activity';
import { identityMigrations } from '@trellis/identity';
import { workspacesMigrations } from '@trellis/workspaces';
import { labelsMigrations } from '../src/migrations';

export default async function setup(project: TestProject) {
  const server = await startTestServer({
    migrations: [
      ...identityMigrations,
      ...activityMigrations,
      ...workspacesMigrations,
      ...labelsMigrations,
    ],
  });
  project.provide('trellisTestServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}

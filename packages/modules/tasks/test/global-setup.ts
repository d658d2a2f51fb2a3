import { startTestServer } from '@trellis/db/testing';
import type { TestProject } from 'vitest/node';
import { identityMigrations } from '@trellis/identity';
import { activityMigrations } from '@trellis/activity';
import { workspacesMigrations } from '@trellis/workspaces';
import { projectsMigrations } from '@trellis/projects';
import { labelsMigrations } from '@trellis/labels';
import { tasksMigrations } from '../src/migrations';

export default async function setup(project: TestProject) {
  const server = await startTestServer({
    migrations: [
      ...identityMigrations,
      ...activityMigrations,
      ...workspacesMigrations,
      ...projectsMigrations,
      ...labelsMigrations,
      ...tasksMigrations,
    ],
  });
  project.provide('trellisTestServer', { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}

import { migratedTestServer } from '@trellis/db/testing';
import { activityMigrations } from '@trellis/activity';
import { identityMigrations } from '@trellis/identity';
import { labelsMigrations } from '@trellis/labels';
import { projectsMigrations } from '@trellis/projects';
import { workspacesMigrations } from '@trellis/workspaces';
import { tasksMigrations } from '../src/migrations';

export default migratedTestServer(
  identityMigrations,
  activityMigrations,
  workspacesMigrations,
  projectsMigrations,
  labelsMigrations,
  tasksMigrations,
);

import { migratedTestServer } from '@trellis/db/testing';
import { activityMigrations } from '@trellis/activity';
import { identityMigrations } from '@trellis/identity';
import { workspacesMigrations } from '@trellis/workspaces';
import { labelsMigrations } from '../src/migrations';

export default migratedTestServer(
  identityMigrations,
  activityMigrations,
  workspacesMigrations,
  labelsMigrations,
);

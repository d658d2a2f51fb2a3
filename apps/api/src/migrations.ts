import { collectMigrations } from '@trellis/db';
import { activityMigrations } from '@trellis/activity';
import { identityMigrations } from '@trellis/identity';
import { labelsMigrations } from '@trellis/labels';
import { projectsMigrations } from '@trellis/projects';
import { tasksMigrations } from '@trellis/tasks';
import { workspacesMigrations } from '@trellis/workspaces';

/** Every module's migrations, in one global order (their names carry timestamps). */
export const allMigrations = collectMigrations(
  identityMigrations,
  activityMigrations,
  workspacesMigrations,
  projectsMigrations,
  labelsMigrations,
  tasksMigrations,
);

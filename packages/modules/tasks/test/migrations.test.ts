import { activityMigrations } from '@trellis/activity';
import { migrationRoundTrip, useTestDatabase } from '@trellis/db/testing';
import { identityMigrations } from '@trellis/identity';
import { labelsMigrations } from '@trellis/labels';
import { projectsMigrations } from '@trellis/projects';
import { workspacesMigrations } from '@trellis/workspaces';
import { describe, expect, it } from 'vitest';
import { tasksMigrations } from '../src';

const test = useTestDatabase();

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['comments', 'task_labels', 'task_open_counts', 'tasks'];
    const all = [
      ...identityMigrations,
      ...activityMigrations,
      ...workspacesMigrations,
      ...projectsMigrations,
      ...labelsMigrations,
      ...tasksMigrations,
    ];
    expect(await migrationRoundTrip(test.db, all, owned)).toEqual({
      before: owned,
      afterRollback: [],
      afterLatest: owned,
    });
  });
});

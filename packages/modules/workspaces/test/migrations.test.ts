import { migrationRoundTrip, useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { identityMigrations } from '@trellis/identity';
import { activityMigrations } from '@trellis/activity';
import { workspacesMigrations } from '../src';

const test = useTestDatabase();

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['invitations', 'memberships', 'workspaces'];
    expect(
      await migrationRoundTrip(
        test.db,
        [...identityMigrations, ...activityMigrations, ...workspacesMigrations],
        owned,
      ),
    ).toEqual({
      before: owned,
      afterRollback: [],
      afterLatest: owned,
    });
  });
});

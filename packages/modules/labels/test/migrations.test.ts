import { migrationRoundTrip, useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { identityMigrations } from '@trellis/identity';
import { activityMigrations } from '@trellis/activity';
import { workspacesMigrations } from '@trellis/workspaces';
import { labelsMigrations } from '../src';

const test = useTestDatabase();

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['labels'];
    expect(
      await migrationRoundTrip(
        test.db,
        [
          ...identityMigrations,
          ...activityMigrations,
          ...workspacesMigrations,
          ...labelsMigrations,
        ],
        owned,
      ),
    ).toEqual({
      before: owned,
      afterRollback: [],
      afterLatest: owned,
    });
  });
});

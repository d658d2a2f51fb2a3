import { migrationRoundTrip, useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { identityMigrations } from '@trellis/identity';
import { activityMigrations } from '../src';

const test = useTestDatabase();

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['activity', 'activity_feed', 'activity_feed_heads'];
    expect(
      await migrationRoundTrip(test.db, [...identityMigrations, ...activityMigrations], owned),
    ).toEqual({
      before: owned,
      afterRollback: [],
      afterLatest: owned,
    });
  });
});

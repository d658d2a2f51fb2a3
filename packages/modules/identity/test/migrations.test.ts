import { migrationRoundTrip, useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { identityMigrations } from '../src';

const test = useTestDatabase();

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['auth_tokens', 'sign_in_failures', 'users'];
    expect(await migrationRoundTrip(test.db, [...identityMigrations], owned)).toEqual({
      before: owned,
      afterRollback: [],
      afterLatest: owned,
    });
  });
});

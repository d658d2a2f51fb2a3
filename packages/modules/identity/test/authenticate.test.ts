import { createHash } from 'node:crypto';
import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { authenticate, findUserByEmail, signIn, signOut, signUp } from '../src';

const test = useTestDatabase();

const password = 'correct horse battery';

async function register(email: string) {
  return test.db.transaction((session) => signUp(session, { email, password, name: 'User' }));
}

describe('authenticate', () => {
  it('resolves a valid token to plain user data in exactly one query', async () => {
    const { token, user } = await register('one-query@example.com');
    const { result, queries } = await countQueries(() =>
      test.db.read((session) => authenticate(session, token)),
    );
    expect(queries).toBe(1);
    expect(result).toEqual(user);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result!).sort()).toEqual(['email', 'id', 'name']);
  });

  it('keeps a token as the SHA-256 hex of its text, so tokens stored by earlier releases still pass', async () => {
    const { token, user } = await register('digest-format@example.com');
    const rows = await test.db
      .knex<{ user_id: string; token_hash: string }>('auth_tokens')
      .where({ user_id: user.id })
      .select('token_hash');
    expect(rows).toEqual([
      { token_hash: createHash('sha256').update(token, 'utf8').digest('hex') },
    ]);
  });

  it('returns null for a missing, malformed or unknown token', async () => {
    await test.db.read(async (session) => {
      expect(await authenticate(session, '')).toBeNull();
      expect(await authenticate(session, 'x'.repeat(5000))).toBeNull();
      expect(await authenticate(session, 'A'.repeat(43))).toBeNull();
    });
  });

  it('returns null once the token has expired', async () => {
    const { token, user } = await register('expired@example.com');
    await test.db
      .knex('auth_tokens')
      .where('user_id', user.id)
      .update({ expires_at: test.db.knex.raw("now() - interval '1 second'") });
    expect(await test.db.read((session) => authenticate(session, token))).toBeNull();
  });

  it('signOut revokes the token at once and leaves the other tokens alone', async () => {
    const { token: first, user } = await register('sign-out@example.com');
    const { token: second } = await test.db.transaction((session) =>
      signIn(session, { email: 'sign-out@example.com', password }),
    );
    await test.db.transaction(async (session) => {
      await signOut(session, first);
      expect(await authenticate(session, first)).toBeNull();
    });
    expect(await test.db.read((session) => authenticate(session, first))).toBeNull();
    expect((await test.db.read((session) => authenticate(session, second)))?.id).toBe(user.id);
    const revoked = await test.db
      .knex('auth_tokens')
      .where('user_id', user.id)
      .whereNotNull('revoked_at');
    expect(revoked).toHaveLength(1);
  });

  it('signOut of an unknown or already revoked token does nothing', async () => {
    const { token } = await register('twice@example.com');
    await test.db.transaction((session) => signOut(session, token));
    await test.db.transaction((session) => signOut(session, token));
    await test.db.transaction((session) => signOut(session, 'not-a-token'));
    expect(await test.db.read((session) => authenticate(session, token))).toBeNull();
  });
});

describe('findUserByEmail', () => {
  it('finds a user by normalised email and returns plain data, or null', async () => {
    const { user } = await register('find-me@example.com');
    await test.db.read(async (session) => {
      const found = await findUserByEmail(session, '  Find-Me@Example.com');
      expect(found).toEqual(user);
      expect(Object.getPrototypeOf(found)).toBe(Object.prototype);
      expect(found).not.toHaveProperty('passwordHash');
      expect(await findUserByEmail(session, 'missing@example.com')).toBeNull();
    });
  });
});

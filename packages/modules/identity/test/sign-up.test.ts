import { ConflictError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UserModel, signUp, signUpInput } from '../src';

const test = useTestDatabase();

const password = 'correct horse battery';

describe('signUp', () => {
  it('creates the account, normalises the email and returns a token with plain user data', async () => {
    const result = await test.db.transaction((session) =>
      signUp(session, { email: '  Ada@Example.COM ', password, name: '  Ada  ' }),
    );
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(result.user)).toBe(Object.prototype);
    expect(Object.keys(result.user).sort()).toEqual(['email', 'id', 'name']);
    expect(result.user).toEqual({ id: expect.any(String), email: 'ada@example.com', name: 'Ada' });
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('stores a self-describing scrypt hash and only the SHA-256 of the token', async () => {
    const { token, user } = await test.db.transaction((session) =>
      signUp(session, { email: 'hash@example.com', password, name: 'Hash' }),
    );
    const stored = await test.db.knex('users').where('id', user.id).first('password_hash');
    expect(stored.password_hash).toMatch(
      /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{86}$/,
    );
    expect(stored.password_hash).not.toContain(password);

    const tokens: Array<{ token_hash: string; expires_at: Date; created_at: Date }> = await test.db
      .knex('auth_tokens')
      .where('user_id', user.id);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(tokens)).not.toContain(token);
    const lifetimeDays =
      (tokens[0]!.expires_at.getTime() - tokens[0]!.created_at.getTime()) / 86_400_000;
    expect(lifetimeDays).toBeCloseTo(30, 1);
  });

  it('salts each hash: the same password never gives the same hash', async () => {
    const [a, b] = await test.db.transaction(async (session) => [
      await signUp(session, { email: 'salt-a@example.com', password, name: 'A' }),
      await signUp(session, { email: 'salt-b@example.com', password, name: 'B' }),
    ]);
    const rows = await test.db
      .knex('users')
      .whereIn('id', [a.user.id, b.user.id])
      .pluck('password_hash');
    expect(new Set(rows).size).toBe(2);
  });

  it('rejects a taken email, whatever its case, with a ConflictError and keeps nothing', async () => {
    await test.db.transaction((session) =>
      signUp(session, { email: 'taken@example.com', password, name: 'First' }),
    );
    await expect(
      test.db.transaction((session) =>
        signUp(session, { email: ' TAKEN@example.com', password, name: 'Second' }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const rows = await test.db.knex('users').where('email', 'taken@example.com');
    expect(rows.map((row: { name: string }) => row.name)).toEqual(['First']);
  });

  it('never exposes the password hash through the model', async () => {
    const { user } = await test.db.transaction((session) =>
      signUp(session, { email: 'json@example.com', password, name: 'Json' }),
    );
    const model = await test.db.read((session) => UserModel.query(session).findById(user.id));
    expect(model?.passwordHash).toMatch(/^scrypt\$/);
    expect(model?.toJSON()).not.toHaveProperty('passwordHash');
    expect(JSON.stringify(model)).not.toContain('scrypt');
  });
});

describe('signUpInput', () => {
  it('is strict and enforces the field rules', () => {
    const valid = { email: 'a@b.co', password: '0123456789', name: 'A' };
    expect(signUpInput.safeParse(valid).success).toBe(true);
    expect(signUpInput.safeParse({ ...valid, role: 'admin' }).success).toBe(false);
    expect(signUpInput.safeParse({ ...valid, email: 'not-an-email' }).success).toBe(false);
    expect(signUpInput.safeParse({ ...valid, password: '012345678' }).success).toBe(false);
    expect(signUpInput.safeParse({ ...valid, password: 'x'.repeat(201) }).success).toBe(false);
    expect(signUpInput.safeParse({ ...valid, name: '   ' }).success).toBe(false);
    expect(signUpInput.safeParse({ ...valid, name: 'n'.repeat(101) }).success).toBe(false);
  });

  it('is applied by the service too', async () => {
    await expect(
      test.db.transaction((session) =>
        signUp(session, { email: 'short@example.com', password: 'short', name: 'S' }),
      ),
    ).rejects.toThrow();
    expect(await test.db.knex('users').where('email', 'short@example.com')).toHaveLength(0);
  });
});

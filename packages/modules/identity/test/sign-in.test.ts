import { UnauthorizedError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticate, signIn, signUp } from '../src';

const test = useTestDatabase();

const password = 'correct horse battery';

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn().catch(() => undefined);
  return performance.now() - started;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('signIn', () => {
  beforeAll(async () => {
    await test.db.transaction((session) =>
      signUp(session, { email: 'grace@example.com', password, name: 'Grace' }),
    );
  });

  it('returns a new working token and plain user data for the right password', async () => {
    const first = await test.db.transaction((session) =>
      signIn(session, { email: ' GRACE@example.com ', password }),
    );
    const second = await test.db.transaction((session) =>
      signIn(session, { email: 'grace@example.com', password }),
    );
    expect(first.token).not.toBe(second.token);
    expect(Object.getPrototypeOf(first.user)).toBe(Object.prototype);
    expect(first.user).toEqual({
      id: expect.any(String),
      email: 'grace@example.com',
      name: 'Grace',
    });
    const user = await test.db.read((session) => authenticate(session, first.token));
    expect(user?.id).toBe(first.user.id);
  });

  it('gives the same UnauthorizedError for a wrong password and an unknown email', async () => {
    const tokensBefore = (await test.db.knex('auth_tokens')).length;
    const wrongPassword = await failure(
      test.db.transaction((session) =>
        signIn(session, { email: 'grace@example.com', password: 'wrong password' }),
      ),
    );
    const unknownEmail = await failure(
      test.db.transaction((session) => signIn(session, { email: 'nobody@example.com', password })),
    );
    expect(wrongPassword).toBeInstanceOf(UnauthorizedError);
    expect(unknownEmail).toBeInstanceOf(UnauthorizedError);
    expect(unknownEmail.message).toBe(wrongPassword.message);
    expect(await test.db.knex('auth_tokens')).toHaveLength(tokensBefore); // no token issued
  });

  it('spends a password hash on an unknown email too, so timing does not reveal it', async () => {
    const attempt = (email: string) => () =>
      test.db.transaction((session) => signIn(session, { email, password: 'wrong password' }));
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      known.push(await timed(attempt('grace@example.com')));
      unknown.push(await timed(attempt('nobody@example.com')));
    }
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
  });

  it('rejects extra keys', async () => {
    await expect(
      test.db.transaction((session) =>
        signIn(session, { email: 'grace@example.com', password, admin: true } as never),
      ),
    ).rejects.toThrow();
  });
});

import { ConflictError, TooManyRequestsError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import {
  PasswordHashQueue,
  purgeExpiredCredentials,
  signOut,
  signUp,
  signUpThrottled,
  type SignUpThrottlePolicy,
} from '../src';

const test = useTestDatabase();
const password = 'correct horse battery';
const hashQueue = new PasswordHashQueue({ concurrency: 2, maxWaiting: 10 });

async function count(table: string): Promise<number> {
  const rows = await test.db.knex(table).count<Array<{ count: string }>>('*');
  return Number(rows[0]?.count);
}

/** A queue whose calls wait at a gate before running, to look at the world while they wait. */
function gatedQueue(limits = { concurrency: 4, maxWaiting: 10 }) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let waiting = 0;
  class Gated extends PasswordHashQueue {
    override run<T>(work: () => Promise<T>): Promise<T> {
      return super.run(async () => {
        waiting += 1;
        await gate;
        return work();
      });
    }
  }
  return { queue: new Gated(limits), release, waiting: () => waiting };
}

describe('sign-up throttled per client address (signUpThrottled)', () => {
  const policy: SignUpThrottlePolicy = { windowSeconds: 3_600, perAddress: 3 };

  it('refuses sign-ups past the limit of one address before hashing, writing nothing; other addresses go on', async () => {
    const signUpFrom = (address: string, email: string) =>
      signUpThrottled(
        test.db,
        { email, password, name: 'S' },
        { clientAddress: address, policy, hashQueue },
      );
    await signUpFrom('203.0.113.1', 'first@example.com');
    // A taken email counts as an attempt too (it still cost a hash).
    await expect(signUpFrom('203.0.113.1', 'first@example.com')).rejects.toBeInstanceOf(
      ConflictError,
    );
    await signUpFrom('203.0.113.1', 'second@example.com');

    const users = await count('users');
    const counters = await count('sign_in_failures');
    for (let n = 0; n < 10; n += 1) {
      const refused = await signUpFrom('203.0.113.1', `refused-${n}@example.com`).catch(
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(TooManyRequestsError);
      expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(3_000);
    }
    expect(await count('users')).toBe(users);
    expect(await count('sign_in_failures')).toBe(counters);

    // IPv6: one /64 is one address.
    for (let n = 1; n <= 3; n += 1) await signUpFrom(`2001:db8:5:5::${n}`, `v6-${n}@example.com`);
    await expect(signUpFrom('2001:db8:5:5:9::9', 'v6-4@example.com')).rejects.toBeInstanceOf(
      TooManyRequestsError,
    );
    expect((await signUpFrom('203.0.113.2', 'elsewhere@example.com')).user.email).toBe(
      'elsewhere@example.com',
    );
  });

  it('holds no connection while the password is hashed', async () => {
    const gated = gatedQueue();
    const call = signUpThrottled(
      test.db,
      { email: 'unhurried@example.com', password, name: 'U' },
      { clientAddress: '192.0.2.1', policy, hashQueue: gated.queue },
    );
    await expect.poll(gated.waiting).toBe(1);
    expect(test.db.poolStats().used).toBe(0);
    gated.release();
    expect((await call).user.email).toBe('unhurried@example.com');
  });
});

describe('PasswordHashQueue', () => {
  it('runs at most `concurrency` hashes, queues up to `maxWaiting`, and refuses the rest at once', async () => {
    const gated = gatedQueue({ concurrency: 2, maxWaiting: 3 });
    const accepted = Array.from({ length: 5 }, () => gated.queue.run(async () => 'done'));
    await expect.poll(gated.waiting).toBe(2);
    expect(gated.queue.load).toEqual({ running: 2, waiting: 3 });
    const refused = await gated.queue.run(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBe(1);
    gated.release();
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(gated.queue.load).toEqual({ running: 0, waiting: 0 });
    // A failing hash frees its turn too.
    await expect(gated.queue.run(async () => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(gated.queue.load).toEqual({ running: 0, waiting: 0 });
  });
});

describe('purgeExpiredCredentials', () => {
  it('deletes ended throttle windows and expired or revoked tokens, and keeps the live ones', async () => {
    const live = await test.db.transaction((session) =>
      signUp(session, { email: 'purge-live@example.com', password, name: 'P' }),
    );
    const revoked = await test.db.transaction((session) =>
      signUp(session, { email: 'purge-revoked@example.com', password, name: 'P' }),
    );
    await test.db.transaction((session) => signOut(session, revoked.token));
    const expired = await test.db.transaction((session) =>
      signUp(session, { email: 'purge-expired@example.com', password, name: 'P' }),
    );
    await test.db.knex.raw(
      "update auth_tokens set expires_at = now() - interval '1 minute' where user_id = ?",
      [expired.user.id],
    );
    await test.db.knex.raw(
      `insert into sign_in_failures (subject, failures, window_started_at, last_failed_at) values
         ('email:old@example.com', 3, now() - interval '2 hours', now() - interval '2 hours'),
         ('email:new@example.com', 3, now(), now())`,
    );
    const purged = await test.db.transaction((session) =>
      purgeExpiredCredentials(session, { counterWindowSeconds: 3_600 }),
    );
    expect(purged.counters).toBeGreaterThanOrEqual(1);
    expect(purged.tokens).toBe(2);
    const subjects = (await test.db.knex('sign_in_failures').select('subject')).map(
      (row: { subject: string }) => row.subject,
    );
    expect(subjects).toContain('email:new@example.com');
    expect(subjects).not.toContain('email:old@example.com');
    const tokens = await test.db.knex('auth_tokens').select('user_id');
    expect(tokens.map((row: { user_id: string }) => row.user_id)).toContain(live.user.id);
    expect(
      await test.db.transaction((session) =>
        purgeExpiredCredentials(session, { counterWindowSeconds: 3_600 }),
      ),
    ).toEqual({ counters: 0, tokens: 0 });
  });
});

import { TooManyRequestsError, UnauthorizedError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addressGroup,
  DEFAULT_SIGN_IN_THROTTLE,
  PasswordHashQueue,
  signInThrottled,
  signUp,
  type SignInThrottlePolicy,
} from '../src';

const test = useTestDatabase();
const password = 'correct horse battery';
const policy: SignInThrottlePolicy = { ...DEFAULT_SIGN_IN_THROTTLE, addressRefuseAfter: 30 };
const hashQueue = new PasswordHashQueue({ concurrency: 4, maxWaiting: 100 });

type Outcome = { kind: 'ok' } | { kind: 'invalid'; delayMs: number } | { kind: 'throttled' };

/** A sign-in as the API runs it; the slow-down delay is recorded instead of waited out. */
async function attempt(
  email: string,
  pass: string,
  clientAddress?: string,
  throttle: SignInThrottlePolicy = policy,
): Promise<Outcome> {
  let delayMs = 0;
  try {
    await signInThrottled(
      test.db,
      { email, password: pass },
      {
        clientAddress,
        policy: throttle,
        hashQueue,
        wait: async (ms) => {
          delayMs = ms;
        },
      },
    );
    return { kind: 'ok' };
  } catch (error) {
    if (error instanceof UnauthorizedError) return { kind: 'invalid', delayMs };
    if (error instanceof TooManyRequestsError) return { kind: 'throttled' };
    throw error;
  }
}

async function counterRows(): Promise<number> {
  const rows = await test.db.knex('sign_in_failures').count<Array<{ count: string }>>('*');
  return Number(rows[0]?.count);
}

describe('throttled sign-in (signInThrottled)', () => {
  beforeAll(async () => {
    await test.db.transaction(async (session) => {
      for (const name of ['victim', 'other', 'resets', 'office', 'burst', 'spread', 'quiet']) {
        await signUp(session, { email: `${name}@example.com`, password, name });
      }
    });
  });

  it('signs in with the right password and returns a token', async () => {
    const result = await signInThrottled(
      test.db,
      { email: 'other@example.com', password },
      { policy, hashQueue },
    );
    expect(result).toMatchObject({
      user: { email: 'other@example.com' },
      token: expect.any(String),
    });
  });

  it('holds no connection while the password is checked', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    class GatedQueue extends PasswordHashQueue {
      override async run<T>(work: () => Promise<T>): Promise<T> {
        entered();
        await gate;
        return super.run(work);
      }
    }
    const call = signInThrottled(
      test.db,
      { email: 'quiet@example.com', password },
      { clientAddress: '192.0.2.50', policy, hashQueue: new GatedQueue() },
    );
    await inside;
    expect(test.db.poolStats().used).toBe(0);
    release();
    expect((await call).user.email).toBe('quiet@example.com');
  });

  it("an attacker's guesses refuse only the attacker's address: the victim still signs in from their own", async () => {
    const attacker = '203.0.113.66';
    for (let n = 1; n <= policy.refuseAfter; n += 1) {
      expect((await attempt('victim@example.com', 'wrong password', attacker)).kind).toBe(
        'invalid',
      );
    }
    // The attacker is refused now, the right password included, without a check.
    expect((await attempt('victim@example.com', password, attacker)).kind).toBe('throttled');
    // The victim, from their own address, signs in at once (a success is never delayed).
    expect(await attempt('victim@example.com', password, '198.51.100.77')).toEqual({ kind: 'ok' });
  });

  it('failures for one email from many addresses are slowed down, never refused', async () => {
    const outcomes: Outcome[] = [];
    for (let n = 1; n <= policy.refuseAfter + 3; n += 1) {
      outcomes.push(await attempt('spread@example.com', 'wrong password', `192.0.2.${n}`));
    }
    expect(outcomes.every((outcome) => outcome.kind === 'invalid')).toBe(true);
    const delays = outcomes.map((outcome) => (outcome.kind === 'invalid' ? outcome.delayMs : -1));
    expect(delays.slice(0, policy.slowDownAfter - 1)).toEqual([0, 0, 0, 0]);
    expect(delays[policy.slowDownAfter - 1]).toBe(policy.baseDelayMs);
    expect(delays[policy.slowDownAfter]).toBe(policy.baseDelayMs * 2);
    expect(delays.at(-1)).toBe(policy.maxDelayMs);
    expect(await attempt('spread@example.com', password, '192.0.2.200')).toEqual({ kind: 'ok' });
  });

  it('an unknown email is throttled exactly like a known one', async () => {
    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('ghost@example.com', 'wrong password', '203.0.113.9');
    expect((await attempt('ghost@example.com', 'wrong password', '203.0.113.9')).kind).toBe(
      'throttled',
    );
  });

  it('counts failures per client address across emails; successes from it give their attempt back', async () => {
    const spray = { ...policy, addressRefuseAfter: 5 };
    for (let n = 1; n <= 5; n += 1) {
      await attempt(`spray-${n}@example.com`, 'wrong password', '203.0.113.7', spray);
    }
    expect((await attempt('other@example.com', password, '203.0.113.7', spray)).kind).toBe(
      'throttled',
    );
    expect((await attempt('other@example.com', password, '203.0.113.8', spray)).kind).toBe('ok');

    // Many people behind one address signing in correctly never add up to a refusal.
    for (let n = 1; n <= 12; n += 1) {
      expect((await attempt('office@example.com', password, '198.51.100.1', spray)).kind).toBe(
        'ok',
      );
    }
  });

  it('refused attempts add no rows: fresh emails from a refused address are not even counted', async () => {
    const spray = { ...policy, addressRefuseAfter: 3 };
    for (let n = 1; n <= 3; n += 1) {
      await attempt(`fill-${n}@example.com`, 'wrong password', '203.0.113.88', spray);
    }
    const before = await counterRows();
    for (let n = 1; n <= 25; n += 1) {
      expect(
        (await attempt(`fresh-${n}@example.com`, 'wrong password', '203.0.113.88', spray)).kind,
      ).toBe('throttled');
    }
    expect(await counterRows()).toBe(before);
  });

  it('groups IPv6 addresses by /64: a new address in the same /64 shares its counter', async () => {
    expect(addressGroup('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressGroup('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
    expect(addressGroup('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressGroup('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressGroup('203.0.113.5')).toBe('203.0.113.5');

    const spray = { ...policy, addressRefuseAfter: 3 };
    for (let n = 1; n <= 3; n += 1) {
      await attempt(`v6-${n}@example.com`, 'wrong password', `2001:db8:7:7::${n}`, spray);
    }
    expect(
      (await attempt('other@example.com', password, '2001:db8:7:7:dead:beef:0:1', spray)).kind,
    ).toBe('throttled');
    expect((await attempt('other@example.com', password, '2001:db8:7:8::1', spray)).kind).toBe(
      'ok',
    );
  });

  it('concurrent guesses cannot race past the limit: at most `refuseAfter` passwords get checked', async () => {
    const tight = { ...policy, slowDownAfter: 100, refuseAfter: 6 };
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        attempt('burst@example.com', `guess ${n}`, '203.0.113.40', tight),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'invalid')).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome.kind === 'throttled')).toHaveLength(34);
  });

  it('a success clears the counters of its email and pair, and the window expires', async () => {
    const address = '198.51.100.9';
    for (let n = 1; n <= 4; n += 1) await attempt('resets@example.com', 'wrong password', address);
    expect((await attempt('resets@example.com', password, address)).kind).toBe('ok');
    expect(await attempt('resets@example.com', 'wrong password', address)).toEqual({
      kind: 'invalid',
      delayMs: 0,
    });

    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('resets@example.com', 'wrong password', address);
    expect((await attempt('resets@example.com', password, address)).kind).toBe('throttled');
    await test.db.knex.raw(
      "update sign_in_failures set window_started_at = now() - interval '1 day' where subject like '%resets@example.com'",
    );
    expect((await attempt('resets@example.com', password, address)).kind).toBe('ok');
  });
});

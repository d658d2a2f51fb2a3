import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  completeSignIn,
  DEFAULT_SIGN_IN_THROTTLE,
  reserveSignInAttempt,
  signUp,
  type SignInThrottlePolicy,
} from '../src';

const test = useTestDatabase();
const password = 'correct horse battery';
const policy = DEFAULT_SIGN_IN_THROTTLE;

type Outcome =
  | { kind: 'ok' }
  | { kind: 'invalid'; delayMs: number }
  | { kind: 'throttled'; retryAfterSeconds: number };

/** A sign-in as the API runs it: the attempt is counted in one transaction, checked in another. */
async function attempt(
  email: string,
  pass: string,
  clientAddress?: string,
  throttle: SignInThrottlePolicy = policy,
): Promise<Outcome> {
  const context = { ...(clientAddress ? { clientAddress } : {}), policy: throttle };
  const reservation = await test.db.transaction((session) =>
    reserveSignInAttempt(session, { email }, context),
  );
  if (!reservation.ok)
    return { kind: 'throttled', retryAfterSeconds: reservation.retryAfterSeconds };
  const outcome = await test.db.transaction((session) =>
    completeSignIn(session, { email, password: pass }, reservation, context),
  );
  return outcome.ok ? { kind: 'ok' } : { kind: 'invalid', delayMs: outcome.delayMs };
}

describe('throttled sign-in (reserveSignInAttempt + completeSignIn)', () => {
  beforeAll(async () => {
    await test.db.transaction(async (session) => {
      for (const name of ['victim', 'other', 'resets', 'office', 'burst']) {
        await signUp(session, { email: `${name}@example.com`, password, name });
      }
    });
  });

  it('signs in with the right password and returns a token', async () => {
    const context = { policy };
    const reservation = await test.db.transaction((session) =>
      reserveSignInAttempt(session, { email: 'other@example.com' }, context),
    );
    const outcome = await test.db.transaction((session) =>
      completeSignIn(
        session,
        { email: 'other@example.com', password },
        reservation as { attempts: number },
        context,
      ),
    );
    expect(outcome).toMatchObject({
      ok: true,
      user: { email: 'other@example.com' },
      token: expect.any(String),
    });
  });

  it('slows repeated failures for one email, then refuses even the right password', async () => {
    const outcomes: Outcome[] = [];
    for (let n = 1; n <= policy.refuseAfter; n += 1)
      outcomes.push(await attempt('victim@example.com', 'wrong password'));
    const delays = outcomes.map((outcome) => (outcome.kind === 'invalid' ? outcome.delayMs : -1));
    expect(delays.slice(0, policy.slowDownAfter - 1)).toEqual([0, 0, 0, 0]);
    expect(delays[policy.slowDownAfter - 1]).toBe(policy.baseDelayMs);
    expect(delays[policy.slowDownAfter]).toBe(policy.baseDelayMs * 2);
    expect(delays.at(-1)).toBe(policy.maxDelayMs);

    const refused = await attempt('victim@example.com', password);
    expect(refused.kind).toBe('throttled');
    const retryAfter = refused.kind === 'throttled' ? refused.retryAfterSeconds : 0;
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(policy.windowSeconds);
    expect((await attempt('other@example.com', password)).kind).toBe('ok');
  });

  it('an unknown email is throttled exactly like a known one', async () => {
    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('ghost@example.com', 'wrong password');
    expect((await attempt('ghost@example.com', 'wrong password')).kind).toBe('throttled');
  });

  it('counts failures per client address across emails, but successes from that address give their attempt back', async () => {
    for (let n = 1; n <= policy.refuseAfter; n += 1) {
      await attempt(`spray-${n}@example.com`, 'wrong password', '203.0.113.7');
    }
    expect((await attempt('other@example.com', password, '203.0.113.7')).kind).toBe('throttled');
    expect((await attempt('other@example.com', password, '203.0.113.8')).kind).toBe('ok');

    // Many people behind one address signing in correctly never add up to a refusal.
    for (let n = 1; n <= policy.refuseAfter * 2; n += 1) {
      expect((await attempt('office@example.com', password, '198.51.100.1')).kind).toBe('ok');
    }
  });

  it('concurrent guesses cannot race past the limit: at most `refuseAfter` passwords get checked', async () => {
    const tight = { ...policy, slowDownAfter: 100, refuseAfter: 6 };
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        attempt('burst@example.com', `guess ${n}`, undefined, tight),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.kind === 'invalid')).toHaveLength(6);
    expect(outcomes.filter((outcome) => outcome.kind === 'throttled')).toHaveLength(34);
  });

  it('a success clears the email counter, and the window expires', async () => {
    for (let n = 1; n <= 4; n += 1) await attempt('resets@example.com', 'wrong password');
    expect((await attempt('resets@example.com', password)).kind).toBe('ok');
    expect(await attempt('resets@example.com', 'wrong password')).toEqual({
      kind: 'invalid',
      delayMs: 0,
    });

    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('resets@example.com', 'wrong password');
    expect((await attempt('resets@example.com', password)).kind).toBe('throttled');
    await test.db.knex.raw(
      "update sign_in_failures set window_started_at = now() - interval '1 day' where subject = 'email:resets@example.com'",
    );
    expect((await attempt('resets@example.com', password)).kind).toBe('ok');
  });
});

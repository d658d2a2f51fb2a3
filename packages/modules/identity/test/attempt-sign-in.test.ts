import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { attemptSignIn, DEFAULT_SIGN_IN_THROTTLE, signUp, type SignInAttempt } from '../src';

const test = useTestDatabase();
const password = 'correct horse battery';
const policy = DEFAULT_SIGN_IN_THROTTLE;

function attempt(email: string, pass: string, clientAddress?: string): Promise<SignInAttempt> {
  return test.db.transaction((session) =>
    attemptSignIn(session, { email, password: pass }, clientAddress ? { clientAddress } : {}),
  );
}

describe('attemptSignIn (throttled sign-in)', () => {
  beforeAll(async () => {
    await test.db.transaction(async (session) => {
      for (const name of ['victim', 'other', 'resets']) {
        await signUp(session, { email: `${name}@example.com`, password, name });
      }
    });
  });

  it('signs in with the right password and returns a token', async () => {
    const outcome = await attempt('other@example.com', password);
    expect(outcome).toMatchObject({ ok: true, user: { email: 'other@example.com' } });
  });

  it('slows repeated failures for one email, then refuses even the right password; the count survives each failed attempt', async () => {
    const outcomes: SignInAttempt[] = [];
    for (let n = 1; n <= policy.refuseAfter; n += 1)
      outcomes.push(await attempt('victim@example.com', 'wrong password'));
    const delays = outcomes.map((outcome) =>
      outcome.ok || outcome.reason !== 'invalid_credentials' ? -1 : outcome.delayMs,
    );
    expect(delays.slice(0, policy.slowDownAfter - 1)).toEqual([0, 0, 0, 0]);
    expect(delays[policy.slowDownAfter - 1]).toBe(policy.baseDelayMs);
    expect(delays[policy.slowDownAfter]).toBe(policy.baseDelayMs * 2);
    expect(delays.at(-1)).toBe(policy.maxDelayMs);

    const refused = await attempt('victim@example.com', password);
    expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
    expect(
      refused.ok === false && refused.reason === 'throttled' && refused.retryAfterSeconds,
    ).toBeGreaterThan(0);
    expect(
      refused.ok === false && refused.reason === 'throttled' && refused.retryAfterSeconds,
    ).toBeLessThanOrEqual(policy.windowSeconds);
    // Another email is not affected.
    expect((await attempt('other@example.com', password)).ok).toBe(true);
  });

  it('an unknown email is throttled exactly like a known one', async () => {
    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('ghost@example.com', 'wrong password');
    expect(await attempt('ghost@example.com', 'wrong password')).toMatchObject({
      ok: false,
      reason: 'throttled',
    });
  });

  it('counts failures per client address across emails', async () => {
    for (let n = 1; n <= policy.refuseAfter; n += 1) {
      await attempt(`spray-${n}@example.com`, 'wrong password', '203.0.113.7');
    }
    expect(await attempt('other@example.com', password, '203.0.113.7')).toMatchObject({
      ok: false,
      reason: 'throttled',
    });
    expect((await attempt('other@example.com', password, '203.0.113.8')).ok).toBe(true);
  });

  it('a success clears the email counter, and the window expires', async () => {
    for (let n = 1; n <= 4; n += 1) await attempt('resets@example.com', 'wrong password');
    expect((await attempt('resets@example.com', password)).ok).toBe(true);
    const first = await attempt('resets@example.com', 'wrong password');
    expect(first).toMatchObject({ ok: false, reason: 'invalid_credentials', delayMs: 0 });

    for (let n = 1; n <= policy.refuseAfter; n += 1)
      await attempt('resets@example.com', 'wrong password');
    expect(await attempt('resets@example.com', password)).toMatchObject({ reason: 'throttled' });
    await test.db.knex.raw(
      "update sign_in_failures set window_started_at = now() - interval '1 day' where subject = 'email:resets@example.com'",
    );
    expect((await attempt('resets@example.com', password)).ok).toBe(true);
  });
});

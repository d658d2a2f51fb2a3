import { describe, expect, it } from 'vitest';
import { readApiConfig } from '../src/config';
import { failureOf, useApi } from './harness';

// Failures 1 and 2 are answered at once, then 250 ms, 500 ms…; from the 3rd on, refused.
const api = useApi({
  TRUST_PROXY: true,
  SIGN_IN_SLOW_DOWN_AFTER: 2,
  SIGN_IN_REFUSE_AFTER: 3,
  SIGN_IN_WINDOW_SECONDS: 120,
});

// Behind a load balancer at a known address (here loopback) that appends to X-Forwarded-For.
const behindBalancer = useApi({
  TRUST_PROXY: readApiConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY,
  SIGN_IN_SLOW_DOWN_AFTER: 10,
  SIGN_IN_REFUSE_AFTER: 3,
  SIGN_IN_WINDOW_SECONDS: 120,
});

const PASSWORD = 'the right password';

async function timed<T>(call: Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await call;
  return { ms: performance.now() - started, result };
}

describe('sign-in throttling over HTTP', () => {
  it('slows repeated failures for one email, then refuses with TOO_MANY_REQUESTS and Retry-After, even with the right password', async () => {
    const victim = 'victim@example.com';
    await api.client().auth.signUp.mutate({ email: victim, password: PASSWORD, name: 'V' });
    const attacker = api.client(undefined, { 'x-forwarded-for': '203.0.113.7' });
    const wrong = () => failureOf(attacker.auth.signIn.mutate({ email: victim, password: 'nope' }));

    const first = await timed(wrong()); // failure 1: no delay
    const second = await timed(wrong()); // failure 2: SIGN_IN_SLOW_DOWN_AFTER reached, 250 ms
    const third = await timed(wrong()); // failure 3: 500 ms
    for (const attempt of [first, second, third]) expect(attempt.result.code).toBe('UNAUTHORIZED');
    expect(second.ms).toBeGreaterThanOrEqual(240);
    expect(third.ms).toBeGreaterThanOrEqual(490);

    // Refused now, the right password included, and without checking it.
    const refused = await failureOf(
      attacker.auth.signIn.mutate({ email: victim, password: PASSWORD }),
    );
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.data.httpStatus).toBe(429);
    const retryAfter = Number(api.lastHeaders()?.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);

    // The email's counter holds from any address; the address's counter holds for any email.
    const elsewhere = api.client(undefined, { 'x-forwarded-for': '198.51.100.20' });
    expect(
      (await failureOf(elsewhere.auth.signIn.mutate({ email: victim, password: PASSWORD }))).code,
    ).toBe('TOO_MANY_REQUESTS');
    await api.client().auth.signUp.mutate({
      email: 'bystander@example.com',
      password: PASSWORD,
      name: 'B',
    });
    expect(
      (
        await failureOf(
          attacker.auth.signIn.mutate({ email: 'bystander@example.com', password: PASSWORD }),
        )
      ).code,
    ).toBe('TOO_MANY_REQUESTS');

    // Another email from another client address signs in.
    const signedIn = await api
      .client(undefined, { 'x-forwarded-for': '198.51.100.30' })
      .auth.signIn.mutate({ email: 'bystander@example.com', password: PASSWORD });
    expect(signedIn.user.email).toBe('bystander@example.com');
    expect((await api.client(signedIn.token).auth.me.query()).email).toBe('bystander@example.com');
  });
});

describe('client address behind a load balancer (TRUST_PROXY)', () => {
  it("with the balancer's addresses listed, a client cannot pick its address by sending X-Forwarded-For", async () => {
    const realClient = '203.0.113.99';
    for (let i = 1; i <= 3; i += 1) {
      const spoofing = behindBalancer.client(undefined, {
        // The client sent "10.9.9.<i>"; the balancer appended the address it saw.
        'x-forwarded-for': `10.9.9.${i}, ${realClient}`,
      });
      const failure = await failureOf(
        spoofing.auth.signIn.mutate({ email: `sprayed-${i}@example.com`, password: 'nope' }),
      );
      expect(failure.code).toBe('UNAUTHORIZED');
    }
    // Three failures, three emails, three spoofed addresses: all counted against the real one.
    await behindBalancer.client().auth.signUp.mutate({
      email: 'sprayed-4@example.com',
      password: PASSWORD,
      name: 'S',
    });
    const refused = await failureOf(
      behindBalancer
        .client(undefined, { 'x-forwarded-for': `10.9.9.4, ${realClient}` })
        .auth.signIn.mutate({ email: 'sprayed-4@example.com', password: PASSWORD }),
    );
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    const other = await behindBalancer
      .client(undefined, { 'x-forwarded-for': '203.0.113.100' })
      .auth.signIn.mutate({ email: 'sprayed-4@example.com', password: PASSWORD });
    expect(other.user.email).toBe('sprayed-4@example.com');
  });

  it('TRUST_PROXY takes true/false or a list of addresses and CIDRs, and refuses anything else', () => {
    const read = (value: string) => readApiConfig({ TRUST_PROXY: value }).TRUST_PROXY;
    expect(read('false')).toBe(false);
    expect(read('true')).toBe(true);
    expect(read('10.0.0.0/8, 192.168.1.7,::1/128,loopback')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      '::1/128',
      'loopback',
    ]);
    for (const bad of ['2', 'yes', '10.0.0.0/33', '10.0.0.0/8,example.com']) {
      expect(() => read(bad), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { readApiConfig } from '../src/config';
import { codeOf, failureOf, useApi } from './harness';

// Failures of one email: 1 answered at once, 2 after 250 ms, 3 after 500 ms. An (email, address)
// pair is refused from its 3rd failure, an address (any email) from its 5th; the email alone never.
const api = useApi({
  TRUST_PROXY: true,
  SIGN_IN_SLOW_DOWN_AFTER: 2,
  SIGN_IN_REFUSE_AFTER: 3,
  SIGN_IN_ADDRESS_REFUSE_AFTER: 5,
  SIGN_IN_WINDOW_SECONDS: 120,
});

// Behind a load balancer at a known address (here loopback) that appends to X-Forwarded-For.
const behindBalancer = useApi({
  TRUST_PROXY: readApiConfig({ TRUST_PROXY: 'loopback' }).TRUST_PROXY,
  SIGN_IN_SLOW_DOWN_AFTER: 10,
  SIGN_IN_REFUSE_AFTER: 3,
  SIGN_IN_ADDRESS_REFUSE_AFTER: 3,
  SIGN_IN_WINDOW_SECONDS: 120,
});

// Sign-ups: two per address per hour. Hashes run one at a time (a flood of 40 takes seconds),
// on a pool of 3 with a 3 s acquire timeout: a sign-up that held its connection while waiting
// for and doing its hash would hold the whole pool, and the signed-in calls beside the flood
// would time out with 503.
const signUps = useApi(
  {
    TRUST_PROXY: true,
    SIGN_UP_PER_ADDRESS: 2,
    PASSWORD_HASH_CONCURRENCY: 1,
    PASSWORD_HASH_QUEUE: 100,
  },
  { max: 3, database: { pool: { max: 3, acquireTimeoutMs: 3_000 } } },
);

// Purges every second, with one-second windows: ended counters and dead tokens go quickly.
const purging = useApi({
  PURGE_INTERVAL_SECONDS: 1,
  SIGN_IN_WINDOW_SECONDS: 1,
  SIGN_UP_WINDOW_SECONDS: 1,
});

const PASSWORD = 'the right password';

async function timed<T>(call: Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await call;
  return { ms: performance.now() - started, result };
}

async function counterRows(harness: typeof api): Promise<number> {
  const rows = await harness.db.knex('sign_in_failures').count<Array<{ count: string }>>('*');
  return Number(rows[0]?.count);
}

describe('sign-in throttling over HTTP', () => {
  it('refuses the attacker (TOO_MANY_REQUESTS, Retry-After) while the victim signs in from their own address', async () => {
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

    // The attacker's pair is refused now, the right password included, and without checking it;
    // further refused attempts write nothing.
    const rows = await counterRows(api);
    for (let n = 0; n < 5; n += 1) {
      const refused = await failureOf(
        attacker.auth.signIn.mutate({ email: victim, password: PASSWORD }),
      );
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.data.httpStatus).toBe(429);
    }
    const retryAfter = Number(api.lastHeaders()?.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(await counterRows(api)).toBe(rows);

    // Meanwhile the victim, from their own address, signs in (and is not even slowed: a success).
    const own = api.client(undefined, { 'x-forwarded-for': '198.51.100.20' });
    const signedIn = await own.auth.signIn.mutate({ email: victim, password: PASSWORD });
    expect((await api.client(signedIn.token).auth.me.query()).email).toBe(victim);
  });

  it('refuses an address that sprays many emails, and only that address', async () => {
    await api.client().auth.signUp.mutate({
      email: 'bystander@example.com',
      password: PASSWORD,
      name: 'B',
    });
    const sprayer = api.client(undefined, { 'x-forwarded-for': '203.0.113.50' });
    for (let n = 1; n <= 5; n += 1) {
      expect(
        (
          await failureOf(
            sprayer.auth.signIn.mutate({ email: `spray-${n}@example.com`, password: 'x' }),
          )
        ).code,
      ).toBe('UNAUTHORIZED');
    }
    expect(
      (
        await failureOf(
          sprayer.auth.signIn.mutate({ email: 'bystander@example.com', password: PASSWORD }),
        )
      ).code,
    ).toBe('TOO_MANY_REQUESTS');
    // IPv6: every address of the sprayer's /64 is the same address.
    const v6 = (suffix: string) =>
      api.client(undefined, { 'x-forwarded-for': `2001:db8:aa:bb::${suffix}` });
    for (let n = 1; n <= 5; n += 1) {
      await failureOf(
        v6(`${n}`).auth.signIn.mutate({ email: `v6-${n}@example.com`, password: 'x' }),
      );
    }
    expect(
      (
        await failureOf(
          v6('ffff').auth.signIn.mutate({ email: 'bystander@example.com', password: PASSWORD }),
        )
      ).code,
    ).toBe('TOO_MANY_REQUESTS');
    // Another address (and another /64) signs in.
    const signedIn = await api
      .client(undefined, { 'x-forwarded-for': '2001:db8:aa:bc::1' })
      .auth.signIn.mutate({ email: 'bystander@example.com', password: PASSWORD });
    expect(signedIn.user.email).toBe('bystander@example.com');
  });
});

describe('purge schedule', () => {
  it('deletes ended throttle windows and revoked tokens on its own, while calls go on', async () => {
    const client = purging.client(undefined);
    const { token } = await client.auth.signUp.mutate({
      email: 'purged@example.com',
      password: PASSWORD,
      name: 'P',
    });
    await purging.client(token).auth.signOut.mutate();
    expect(
      await codeOf(client.auth.signIn.mutate({ email: 'purged@example.com', password: 'x' })),
    ).toBe('UNAUTHORIZED');
    expect(await counterRows(purging)).toBeGreaterThan(0);
    await expect.poll(async () => counterRows(purging), { timeout: 10_000, interval: 250 }).toBe(0);
    await expect
      .poll(async () => (await purging.db.knex('auth_tokens').select('id')).length, {
        timeout: 10_000,
        interval: 250,
      })
      .toBe(0);
    const again = await client.auth.signIn.mutate({
      email: 'purged@example.com',
      password: PASSWORD,
    });
    expect((await purging.client(again.token).auth.me.query()).email).toBe('purged@example.com');
  });
});

describe('sign-up over HTTP', () => {
  it('is throttled per client address: refused with 429 and Retry-After, writing nothing; other addresses sign up', async () => {
    const from = (address: string) => signUps.client(undefined, { 'x-forwarded-for': address });
    const account = (n: string) => ({
      email: `signup-${n}@example.com`,
      password: PASSWORD,
      name: 'S',
    });
    await from('203.0.113.5').auth.signUp.mutate(account('1'));
    await from('203.0.113.5').auth.signUp.mutate(account('2'));
    const users = await signUps.db.knex('users').count<Array<{ count: string }>>('*');
    const refused = await failureOf(from('203.0.113.5').auth.signUp.mutate(account('3')));
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(signUps.lastHeaders()?.get('retry-after'))).toBeGreaterThan(0);
    expect(await signUps.db.knex('users').count<Array<{ count: string }>>('*')).toEqual(users);
    expect((await from('203.0.113.6').auth.signUp.mutate(account('3'))).user.email).toBe(
      'signup-3@example.com',
    );
  });

  it('a flood of sign-ups holds no connection while hashing: signed-in calls keep answering meanwhile', async () => {
    const { token } = await signUps
      .client(undefined, { 'x-forwarded-for': '192.0.2.200' })
      .auth.signUp.mutate({ email: 'taken@example.com', password: PASSWORD, name: 'T' });
    const user = signUps.client(token);
    // Connections in use, sampled while the flood runs: its 40 hashes, one at a time, take most
    // of that time, so if hashing held a connection the pool would be full in nearly every sample.
    const used: number[] = [];
    const sampler = setInterval(() => used.push(signUps.db.poolStats().used), 5);
    // 40 sign-ups with a taken email, each from its own address (the per-address limit aside).
    const flood = Array.from({ length: 40 }, (_, n) =>
      codeOf(
        signUps
          .client(undefined, { 'x-forwarded-for': `198.51.100.${n + 1}` })
          .auth.signUp.mutate({ email: 'taken@example.com', password: PASSWORD, name: 'F' }),
      ),
    );
    const normal: string[] = [];
    const during = (async () => {
      for (let n = 0; n < 10; n += 1) normal.push(await codeOf(user.auth.me.query()));
    })();
    const floodCodes = await Promise.all(flood);
    await during;
    clearInterval(sampler);
    expect(normal).toEqual(Array.from({ length: 10 }, () => 'OK'));
    const median = [...used].sort((a, b) => a - b)[Math.floor(used.length / 2)];
    expect(used.length).toBeGreaterThan(20);
    expect(median).toBeLessThanOrEqual(1);
    // The flood itself is answered, never with a 500: a taken email, a full hash queue (429), or
    // at worst a pool too small for 40 simultaneous transactions (503, shed like any overload).
    const allowed = ['CONFLICT', 'TOO_MANY_REQUESTS', 'SERVICE_UNAVAILABLE'];
    expect(floodCodes.filter((code) => !allowed.includes(code))).toEqual([]);
    expect(floodCodes).toContain('CONFLICT');
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
    // Three failures, three emails, three spoofed addresses: all counted against the real one,
    // which SIGN_IN_ADDRESS_REFUSE_AFTER (3) now refuses for any email.
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

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTrellisClient,
  isNetworkError,
  isUnavailable,
  parseRetryAfter,
  retryDelayMs,
  TrellisError,
} from '../src';
import { useApiServer } from './api-server';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';

const api = useApiServer();
let proxy: FaultProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

const fast = { retries: 3, baseDelayMs: 20, maxDelayMs: 2_000 };

async function signUp(): Promise<string> {
  const { token } = await createTrellisClient({ url: api.url }).auth.signUp.mutate({
    email: `retry-${randomUUID().slice(0, 8)}@example.com`,
    password: 'a long password',
    name: 'Retry',
  });
  return token;
}

async function through(plan: Fault[], token: string) {
  proxy = await startFaultProxy(api.url, plan);
  return createTrellisClient({ url: proxy.url, token, retry: fast });
}

async function failure(call: Promise<unknown>): Promise<TrellisError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TrellisError);
    return error as TrellisError;
  }
  throw new Error('expected the call to fail');
}

describe('queries retry on network errors and 503, with bounded backoff', () => {
  it('a query survives two reset connections', async () => {
    const client = await through(['reset', 'reset'], await signUp());
    expect((await client.auth.me.query()).name).toBe('Retry');
    expect(proxy!.seen).toHaveLength(3);
  });

  it("a 503's Retry-After is waited out before the retry", async () => {
    const client = await through([{ status: 503, retryAfter: '1' }], await signUp());
    expect((await client.auth.me.query()).name).toBe('Retry');
    const [first, second] = proxy!.seen;
    expect(proxy!.seen).toHaveLength(2);
    // Correctness, not speed: the retry did not come before the server said it may.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('gives up after the bounded number of retries and reports the 503', async () => {
    const unavailable: Fault = { status: 503 };
    const client = await through(
      [unavailable, unavailable, unavailable, unavailable, unavailable],
      await signUp(),
    );
    const error = await failure(client.auth.me.query());
    expect(isUnavailable(error)).toBe(true);
    expect(proxy!.seen).toHaveLength(1 + fast.retries);
  });

  it('a Retry-After longer than maxDelayMs is not waited out: the caller gets it at once', async () => {
    const client = await through([{ status: 503, retryAfter: '120' }], await signUp());
    const error = await failure(client.auth.me.query());
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBe(120);
    expect(proxy!.seen).toHaveLength(1);
  });

  it('other errors (500, 404, 400) are not retried', async () => {
    const client = await through([{ status: 500 }], await signUp());
    await failure(client.auth.me.query());
    expect(proxy!.seen).toHaveLength(1);
  });
});

describe('mutations never retry on their own', () => {
  it('a mutation that met a 503 fails once and is not sent again', async () => {
    const token = await signUp();
    const client = await through([{ status: 503, retryAfter: '1' }], token);
    const slug = `never-${randomUUID().slice(0, 8)}`;
    const error = await failure(client.workspaces.create.mutate({ name: 'x', slug }));
    expect(isUnavailable(error)).toBe(true);
    expect(proxy!.seen).toHaveLength(1);
  });

  it('a mutation whose connection was reset fails with NETWORK_ERROR, sent once', async () => {
    const token = await signUp();
    const client = await through(['reset'], token);
    const error = await failure(
      client.workspaces.create.mutate({ name: 'x', slug: `reset-${randomUUID().slice(0, 8)}` }),
    );
    expect(isNetworkError(error)).toBe(true);
    expect(proxy!.seen).toHaveLength(1);
    const direct = createTrellisClient({ url: api.url, token });
    expect(await direct.workspaces.list.query()).toEqual([]);
  });
});

describe('retryDelayMs and parseRetryAfter', () => {
  const options = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
  const error = (status: number | undefined, retryAfter?: string) => {
    const headers = new Headers(retryAfter ? { 'retry-after': retryAfter } : {});
    const failure = Object.create(TrellisError.prototype) as TrellisError;
    return Object.assign(failure, {
      code: status ? 'SERVICE_UNAVAILABLE' : 'NETWORK_ERROR',
      status,
      retryAfterSeconds: parseRetryAfter(headers.get('retry-after')),
    });
  };

  it('doubles the backoff per retry, with jitter, capped at maxDelayMs', () => {
    const top = () => 1; // no jitter
    expect([0, 1, 2].map((n) => retryDelayMs(error(503), 'query', n, options, top))).toEqual([
      100, 200, 400,
    ]);
    expect(retryDelayMs(error(503), 'query', 3, options, top)).toBeUndefined();
    expect(retryDelayMs(error(503), 'query', 2, { ...options, maxDelayMs: 300 }, top)).toBe(300);
    expect(retryDelayMs(error(503), 'query', 0, options, () => 0)).toBe(50);
    expect(retryDelayMs(error(503), 'mutation', 0, options, top)).toBeUndefined();
    expect(retryDelayMs(error(undefined), 'query', 0, options, top)).toBe(100);
  });

  it('reopens subscriptions on network errors and 502/503/504, without a count limit', () => {
    const top = () => 1;
    const status = (code: number) =>
      Object.assign(Object.create(TrellisError.prototype) as TrellisError, {
        code: 'NETWORK_ERROR',
        status: code,
        retryAfterSeconds: undefined,
      });
    expect(retryDelayMs(error(503), 'subscription', 0, options, top)).toBe(100);
    expect(retryDelayMs(error(503), 'subscription', 50, options, top)).toBe(1_000);
    expect(retryDelayMs(error(undefined), 'subscription', 9, options, top)).toBe(1_000);
    expect(retryDelayMs(status(502), 'subscription', 0, options, top)).toBe(100);
    expect(retryDelayMs(status(504), 'subscription', 0, options, top)).toBe(100);
    // A query is not retried on 502/504 (the first answer may have been the API's own).
    expect(retryDelayMs(status(502), 'query', 0, options, top)).toBeUndefined();
    for (const code of [400, 401, 403, 404, 500]) {
      expect(retryDelayMs(status(code), 'subscription', 0, options, top)).toBeUndefined();
    }
    expect(
      retryDelayMs(error(503), 'subscription', 0, { ...options, reopenSubscriptions: false }, top),
    ).toBeUndefined();
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

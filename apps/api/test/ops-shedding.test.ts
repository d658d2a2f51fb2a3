import { setTimeout as sleep } from 'node:timers/promises';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import { describe, expect, it } from 'vitest';
import { failureOf, fetchMetrics, useApi } from './harness';

const ACQUIRE_TIMEOUT_MS = 10_000;
const api = useApi(
  { SHED_ACQUIRE_WAIT_MS: 100 },
  { max: 1, database: { pool: { acquireTimeoutMs: ACQUIRE_TIMEOUT_MS } } },
);

describe('load shedding', () => {
  it('refuses new /trpc requests at once with 503 and Retry-After while a transaction waits too long for a connection', async () => {
    // Admitted before the pool is saturated: 401 (no token) after opening its session.
    expect((await fetch(`${api.url}/auth.me`)).status).toBe(401);

    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = api.db.transaction(
      async (session) => {
        await session.raw('select 1');
        entered();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeoutMs: 20_000 },
    );
    await inside;
    // The pool's one connection is held; this one waits for it.
    const waiter = api.db.transaction((session) => session.raw('select 1'), { timeoutMs: 20_000 });
    try {
      while (api.db.oldestAcquireWaitMs() <= 100) await sleep(20);

      const started = performance.now();
      const refused = await fetch(`${api.url}/auth.me`);
      const elapsed = performance.now() - started;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe(String(api.config.RETRY_AFTER_SECONDS));
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      // tRPC's own error envelope (superjson), so typed clients see a TRPCClientError.
      expect(await refused.json()).toEqual({
        error: {
          json: {
            message: 'The service is overloaded (pool_saturated); retry later',
            code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
            data: { code: 'SERVICE_UNAVAILABLE', httpStatus: 503 },
          },
        },
      });
      // Refused without queueing for a connection: far below the acquire timeout.
      expect(elapsed).toBeLessThan(ACQUIRE_TIMEOUT_MS / 4);

      // Liveness and metrics do not touch the pool and keep answering.
      const health = await fetch(`${api.origin}/healthz`);
      expect(health.status).toBe(200);
      const metrics = await (await fetchMetrics(api.origin)).text();
      expect(metrics).toMatch(/^trellis_requests_shed_total\{reason="pool_saturated"\} 1$/m);
      expect(metrics).toMatch(/^trellis_db_pool_pending_acquires 1$/m);

      // A typed client gets SERVICE_UNAVAILABLE; a batch gets one error per call.
      expect((await failureOf(api.client().auth.me.query())).code).toBe('SERVICE_UNAVAILABLE');
      const batch = (await (await fetch(`${api.url}/auth.me,auth.me?batch=1`)).json()) as unknown[];
      expect(batch).toHaveLength(2);
    } finally {
      release();
      await holder;
      await waiter;
    }

    // The pool is free again: requests are admitted.
    expect(api.db.oldestAcquireWaitMs()).toBe(0);
    expect((await fetch(`${api.url}/auth.me`)).status).toBe(401);
    const { token } = await api.client().auth.signUp.mutate({
      email: 'after-shedding@example.com',
      password: 'long enough password',
      name: 'A',
    });
    expect((await api.client(token).auth.me.query()).email).toBe('after-shedding@example.com');
  });
});

import { createServer } from 'node:net';
import { createDatabase } from '@trellis/db';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startServer, useApi } from './harness';

const api = useApi();

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('health and readiness', () => {
  it('GET /healthz is 200 and runs no transaction; GET /readyz is 200 after one database round trip', async () => {
    const before = { ...api.db.counters };
    for (let i = 0; i < 5; i += 1) {
      expect(await get(`${api.origin}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    }
    expect(api.db.counters).toEqual(before);

    expect(await get(`${api.origin}/readyz`)).toEqual({ status: 200, body: { status: 'ready' } });
    expect(api.db.counters.committed).toBe(before.committed + 1);
    expect(api.db.poolStats().used).toBe(0);
  });

  it('with the database layer closed, /healthz is still 200 and /readyz is 503 with a reason', async () => {
    const db = api.database.open();
    await db.close();
    const extra = await startServer(db, api.config);
    try {
      expect(await get(`${extra.origin}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
      const ready = await get(`${extra.origin}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'unavailable', reason: 'database unavailable' });
    } finally {
      await extra.close();
    }
  });

  it('when the database is unreachable, /healthz is 200 and /readyz answers 503 with a reason in bounded time', async () => {
    const db = createDatabase(
      {
        url: `postgres://postgres@127.0.0.1:${await closedPort()}/trellis`,
        pool: { acquireTimeoutMs: 2_000 },
      },
      { logger: { warn: () => undefined, error: () => undefined } },
    );
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const extra = await startServer(db, api.config, log);
    try {
      expect(await get(`${extra.origin}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
      const started = performance.now();
      const ready = await get(`${extra.origin}/readyz`);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(ready.status).toBe(503);
      // Anyone may ask /readyz: the answer is generic, the database's own words go to the log.
      expect(ready.body).toEqual({ status: 'unavailable', reason: 'database unavailable' });
      const logged = lines
        .map((line) => JSON.parse(line) as { msg?: string; err?: { message?: string } })
        .find((entry) => entry.msg === 'readiness check failed');
      expect(logged?.err?.message).toMatch(/\S/);
      expect(JSON.stringify(ready.body)).not.toContain(logged?.err?.message ?? '');
      // A client of the API gets the same outage as a 503 with Retry-After, never a 500.
      const call = await fetch(`${extra.origin}/trpc/auth.me`);
      expect(call.status).toBe(503);
      expect(call.headers.get('retry-after')).toBe(String(api.config.RETRY_AFTER_SECONDS));
    } finally {
      await extra.close();
      await db.close();
    }
  });

  it('/readyz is 503 "shutting down" once shutdown has begun, while /healthz stays 200', async () => {
    const extra = await startServer(api.database.open(), api.config);
    try {
      expect((await get(`${extra.origin}/readyz`)).status).toBe(200);
      extra.server.readiness.beginShutdown();
      expect(await get(`${extra.origin}/readyz`)).toEqual({
        status: 503,
        body: { status: 'unavailable', reason: 'shutting down' },
      });
      expect((await get(`${extra.origin}/healthz`)).status).toBe(200);
    } finally {
      await extra.close();
    }
  });
});

import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { NotificationListener } from '../src';
import { useTestDatabase } from '../src/testing';

const test = useTestDatabase();

async function notify(url: string, channel: string, payload: string): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    await client.query('select pg_notify($1, $2)', [channel, payload]);
  } finally {
    await client.end();
  }
}

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
};

describe('NotificationListener', () => {
  it('listens outside the pool, comes back after pg_terminate_backend and says so each time', async () => {
    const received: string[] = [];
    let listening = 0;
    const listener = new NotificationListener({
      url: test.url,
      channels: ['trellis_test_channel'],
      applicationName: 'listener-test',
      initialBackoffMs: 20,
      logger: { warn: () => undefined, error: () => undefined },
      onNotification: (_channel, payload) => received.push(payload),
      onListening: () => (listening += 1),
    });
    listener.start();
    try {
      expect(await until(() => listening === 1, 5_000)).toBe(true);
      expect(test.db.poolStats().used).toBe(0);
      await notify(test.url, 'trellis_test_channel', 'one');
      expect(await until(() => received.length === 1, 2_000)).toBe(true);

      const killed = await test.db.knex.raw<{ rows: unknown[] }>(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'listener-test-listener'",
      );
      expect(killed.rows).toHaveLength(1);
      expect(await until(() => listening === 2, 5_000)).toBe(true);
      expect(listener.reconnects).toBe(1);
      await notify(test.url, 'trellis_test_channel', 'two');
      expect(await until(() => received.length === 2, 2_000)).toBe(true);
      expect(received).toEqual(['one', 'two']);
    } finally {
      await listener.close();
    }
    // Closed: no reconnect, no connection left behind.
    const left = await test.db.knex.raw<{ rows: unknown[] }>(
      "select 1 from pg_stat_activity where application_name = 'listener-test-listener'",
    );
    expect(left.rows).toHaveLength(0);
  });

  it('starts while the database is unreachable and connects once it can (no throw at start)', async () => {
    const warnings: string[] = [];
    const listener = new NotificationListener({
      url: 'postgres://postgres@127.0.0.1:1/nowhere',
      channels: ['trellis_test_channel'],
      initialBackoffMs: 20,
      maxBackoffMs: 40,
      logger: { warn: (_details, message) => warnings.push(message), error: () => undefined },
      onNotification: () => undefined,
    });
    listener.start();
    expect(await until(() => warnings.length >= 2, 3_000)).toBe(true);
    expect(listener.connected).toBe(false);
    await listener.close();
  });
});

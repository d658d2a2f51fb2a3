import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess } from './api-process';
import {
  busyConnections,
  call,
  type CallResult,
  connectionsByState,
  countBy,
  createTask,
  createWorld,
  eventually,
  expectNoUnexpectedFailures,
  expectProjectIntact,
  inFlight,
  listTasks,
  readMetric,
  seededRandom,
} from './load';

const REQUESTS = 10_000;
const IN_FLIGHT = 100;
const SEED = 0x7e11;

const database = useTestDatabase();
afterAll(killApiProcesses);

describe('clients abort requests mid-flight', { timeout: 120_000 }, () => {
  it('10,000 requests, about half aborted: the API still answers and holds no connection', async () => {
    const api = await startApiProcess({
      name: 'aborts',
      databaseUrl: database.url,
      env: { SHUTDOWN_GRACE_MS: '10000' },
    });
    const world = await createWorld(api.origin, 'ABRT');
    const random = seededRandom(SEED);

    const started = performance.now();
    const results = await inFlight(REQUESTS, IN_FLIGHT, async (index): Promise<CallResult> => {
      const abortAfterMs = random() < 0.5 ? Math.floor(random() * 21) : undefined;
      const controller = new AbortController();
      const timer =
        abortAfterMs === undefined ? undefined : setTimeout(() => controller.abort(), abortAfterMs);
      const options = { signal: controller.signal, clientTimeoutMs: 20_000 };
      try {
        // Writes (a transaction of several statements), page reads, and many light reads.
        const kind = index % 8;
        if (kind === 0) return await createTask(api.origin, world, `abort ${index}`, options);
        if (kind === 1) return await listTasks(api.origin, world, options);
        return await call(api.origin, 'auth.me', 'query', undefined, {
          token: world.token,
          ...options,
        });
      } finally {
        clearTimeout(timer);
      }
    });
    const elapsedMs = performance.now() - started;

    const outcomes = countBy(results, (result) => `${result.status} ${result.code}`);
    expect(outcomes['0 ABORTED'] ?? 0).toBeGreaterThan(REQUESTS / 5);
    expect(outcomes['200 OK'] ?? 0).toBeGreaterThan(REQUESTS / 5);
    // Besides aborted calls and successes, only load shedding's 503 is acceptable: no 500, no hang.
    expect(
      Object.keys(outcomes).filter(
        (key) => !/^(200 OK|0 ABORTED|503 SERVICE_UNAVAILABLE)$/.test(key),
      ),
    ).toEqual([]);
    expect(api.isRunning(), api.tail()).toBe(true);

    // Settled: no connection lent by the pool, none busy or idle in transaction on the server.
    let used: number | undefined;
    let states: Record<string, number> = {};
    const settled = await eventually(async () => {
      used = await readMetric(api.origin, 'trellis_db_pool_connections', 'state="used"');
      states = await connectionsByState(database.url, api.applicationName);
      return used === 0 && busyConnections(states) === 0;
    }, 5_000);
    expect({ settled, used, states }).toMatchObject({ settled: true, used: 0 });
    expect(states['idle in transaction'] ?? 0).toBe(0);
    expect(states['idle in transaction (aborted)'] ?? 0).toBe(0);

    // How many transactions the server ran to completion, aborted requests' included.
    const committed = await readMetric(
      api.origin,
      'trellis_db_transactions_total',
      'outcome="committed"',
    );

    // It still answers, reads and writes.
    const after = await inFlight<CallResult>(20, 5, (index) =>
      index % 2 ? listTasks(api.origin, world) : createTask(api.origin, world, `after ${index}`),
    );
    expect(after.map((result) => result.code)).toEqual(Array(20).fill('OK'));
    // Aborted creates were either applied whole or not at all: numbers stay 1..n.
    const numbers = await expectProjectIntact(database.url, world.projectId);
    expectNoUnexpectedFailures(api);

    console.info(
      `[client aborts] ${REQUESTS} requests, ${IN_FLIGHT} in flight, in ${Math.round(elapsedMs)} ms: ${JSON.stringify(outcomes)}; ` +
        `${committed} transactions committed on the server; afterwards pool used=${used}, server connections ${JSON.stringify(states)}; ` +
        `${numbers.length} tasks, gapless`,
    );
    // Clients that aborted may leave half-sent requests on open connections: the drain must
    // not wait for them until its grace deadline (10 s here).
    const stopping = performance.now();
    await api.stop(15_000);
    const shutdownMs = performance.now() - stopping;
    expect(api.exitCode(), api.tail()).toBe(0);
    expect(shutdownMs).toBeLessThan(3_000);
    console.info(`[client aborts] SIGTERM to exit: ${Math.round(shutdownMs)} ms`);
  });
});

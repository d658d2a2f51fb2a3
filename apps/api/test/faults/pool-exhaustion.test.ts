import { useTestDatabase, withAdminClient } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess, type ApiProcess } from './api-process';
import {
  busyConnections,
  type CallResult,
  connectionsByState,
  countBy,
  createTask,
  createWorld,
  eventually,
  expectNoUnexpectedFailures,
  expectProjectIntact,
  inFlight,
  percentile,
  readMetric,
  sleep,
  type World,
} from './load';

const POOL_MAX = 10;
const REQUEST_TIMEOUT_MS = 3_000;
const ACQUIRE_TIMEOUT_MS = 1_000;
/** Slack for a busy 2-core machine: scheduling, not waiting on anything. */
const MARGIN_MS = 1_000;
const CALLS = 500;

const database = useTestDatabase();
afterAll(killApiProcesses);

/**
 * Holds the project's row lock from an admin connection for `holdMs` while `CALLS` creates
 * into that project are sent at once: the first POOL_MAX block on the lock with every pool
 * connection, the rest wait for one.
 */
async function burstWhileLocked(api: ApiProcess, world: World, holdMs: number) {
  let burst: Promise<CallResult[]> | undefined;
  const busyWhileLocked = await withAdminClient(database.url, async (admin) => {
    await admin.query('begin');
    await admin.query('select id from projects where id = $1 for update', [world.projectId]);
    try {
      burst = inFlight(CALLS, CALLS, (index) =>
        createTask(api.origin, world, `burst ${index}`, { clientTimeoutMs: 30_000 }),
      );
      await sleep(holdMs);
      return busyConnections(await connectionsByState(database.url, api.applicationName));
    } finally {
      await admin.query('commit');
    }
  });
  return { results: await burst!, busyWhileLocked };
}

async function settledToZero(api: ApiProcess) {
  let used: number | undefined;
  let states: Record<string, number> = {};
  const settled = await eventually(async () => {
    used = await readMetric(api.origin, 'trellis_db_pool_connections', 'state="used"');
    states = await connectionsByState(database.url, api.applicationName);
    return used === 0 && busyConnections(states) === 0;
  }, 5_000);
  return { settled, used, states };
}

describe('the pool is exhausted by requests blocked on a lock', { timeout: 90_000 }, () => {
  let api: ApiProcess;
  let world: World;

  it('every call succeeds or gets a fast 503 while the pool is exhausted; nothing hangs', async () => {
    api = await startApiProcess({
      name: 'pool',
      databaseUrl: database.url,
      env: {
        DATABASE_POOL_MAX: String(POOL_MAX),
        REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        DATABASE_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS),
      },
    });
    world = await createWorld(api.origin, 'POOL');

    // The lock is released before the request timeout: the blocked calls then finish.
    const { results, busyWhileLocked } = await burstWhileLocked(api, world, 1_500);
    expect(busyWhileLocked).toBe(POOL_MAX);

    const outcomes = countBy(results, (result) => `${result.status} ${result.code}`);
    expect(Object.keys(outcomes).sort()).toEqual(['200 OK', '503 SERVICE_UNAVAILABLE']);
    expect(outcomes['200 OK']).toBeGreaterThanOrEqual(POOL_MAX);
    const unavailable = results.filter((result) => result.status === 503).map((r) => r.ms);
    const succeeded = results.filter((result) => result.status === 200).map((r) => r.ms);
    // A 503 comes after the acquire timeout (plus the time a 2-core machine takes to answer
    // 490 of them at once), never after waiting out the request timeout; nothing outlives it.
    expect(Math.max(...unavailable)).toBeLessThan(REQUEST_TIMEOUT_MS);
    expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(
      REQUEST_TIMEOUT_MS + MARGIN_MS,
    );

    const after = await settledToZero(api);
    expect(after).toMatchObject({ settled: true, used: 0 });
    expect(api.isRunning(), api.tail()).toBe(true);
    console.info(
      `[pool exhaustion, lock held 1.5 s] ${CALLS} creates: ${JSON.stringify(outcomes)}; ` +
        `503 latency p50 ${percentile(unavailable, 50).toFixed(0)} ms, p90 ${percentile(unavailable, 90).toFixed(0)} ms, max ${Math.max(...unavailable).toFixed(0)} ms; ` +
        `200 latency max ${Math.max(...succeeded).toFixed(0)} ms; afterwards pool used=${after.used}, server ${JSON.stringify(after.states)}`,
    );
  });

  it('a lock held past the request timeout ends in TIMEOUT by the deadline, and frees every connection', async () => {
    const { results } = await burstWhileLocked(api, world, REQUEST_TIMEOUT_MS + 1_500);

    const outcomes = countBy(results, (result) => `${result.status} ${result.code}`);
    // The calls holding the connections time out; the others are refused as above.
    expect(Object.keys(outcomes).sort()).toEqual(['408 TIMEOUT', '503 SERVICE_UNAVAILABLE']);
    expect(outcomes['408 TIMEOUT']).toBeGreaterThanOrEqual(POOL_MAX);
    const timedOut = results.filter((result) => result.status === 408).map((r) => r.ms);
    expect(Math.min(...timedOut)).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(
      REQUEST_TIMEOUT_MS + MARGIN_MS,
    );

    const after = await settledToZero(api);
    expect(after).toMatchObject({ settled: true, used: 0 });
    expect(after.states['idle in transaction'] ?? 0).toBe(0);

    // It recovers at once, and nothing of the timed-out transactions was kept.
    const later = await inFlight(20, 5, (index) => createTask(api.origin, world, `later ${index}`));
    expect(later.map((result) => result.code)).toEqual(Array(20).fill('OK'));
    await expectProjectIntact(database.url, world.projectId);
    expectNoUnexpectedFailures(api);
    console.info(
      `[pool exhaustion, lock held ${REQUEST_TIMEOUT_MS + 1_500} ms] ${CALLS} creates: ${JSON.stringify(outcomes)}; ` +
        `TIMEOUT after ${Math.min(...timedOut).toFixed(0)}–${Math.max(...timedOut).toFixed(0)} ms; ` +
        `afterwards pool used=${after.used}, server ${JSON.stringify(after.states)}`,
    );
    await api.stop();
    expect(api.exitCode()).toBe(0);
  });
});

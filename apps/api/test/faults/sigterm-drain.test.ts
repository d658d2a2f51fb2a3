import { useTestDatabase, withAdminClient } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, probe, startApiProcess } from './api-process';
import {
  type CallResult,
  connectionsByState,
  countBy,
  createTask,
  createWorld,
  eventually,
  expectProjectIntact,
  inFlight,
  sleep,
} from './load';

const GRACE_MS = 5_000;
const IN_FLIGHT = 20;

const database = useTestDatabase();
afterAll(killApiProcesses);

describe('SIGTERM while requests are in flight', { timeout: 60_000 }, () => {
  it('finishes what it accepted, refuses new work, exits 0 within the grace period and leaves no connection', async () => {
    const api = await startApiProcess({
      name: 'sigterm',
      databaseUrl: database.url,
      env: { SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'info' },
    });
    const world = await createWorld(api.origin, 'TERM');

    // Slow-ish requests: creates into a project whose row an admin transaction holds locked
    // (10 wait on the lock holding every pool connection, 10 wait for a connection).
    let calls: Promise<CallResult[]> | undefined;
    const drain = await withAdminClient(database.url, async (admin) => {
      await admin.query('begin');
      await admin.query('select id from projects where id = $1 for update', [world.projectId]);
      try {
        calls = inFlight(IN_FLIGHT, IN_FLIGHT, (index) =>
          createTask(api.origin, world, `in flight ${index}`, { clientTimeoutMs: 20_000 }),
        );
        const arrived = await eventually(async () => {
          const states = await connectionsByState(database.url, api.applicationName);
          return (states.active ?? 0) >= 10;
        }, 5_000);
        await sleep(200);

        api.signal('SIGTERM');
        const signalled = performance.now();
        await sleep(100);
        // During the drain: not ready, and new connections are refused (or answered 503).
        const readyz = await probe(api.origin, '/readyz', 1_000);
        const newConnection = await probe(api.origin, '/healthz', 1_000);
        const newCall = await createTask(api.origin, world, 'too late', {
          clientTimeoutMs: 5_000,
        });
        await sleep(500);
        return { arrived, signalled, readyz, newConnection, newCall, draining: api.isRunning() };
      } finally {
        await admin.query('commit');
      }
    });
    const released = performance.now();
    const results = await calls!;
    const exit = await Promise.race([api.exited, sleep(GRACE_MS + 5_000).then(() => undefined)]);
    const exitedAt = performance.now();

    expect(drain.arrived).toBe(true);
    // It was still draining (waiting for the lock) when the lock was released.
    expect(drain.draining).toBe(true);
    // Every request accepted before SIGTERM completed normally.
    expect(countBy(results, (result) => `${result.status} ${result.code}`)).toEqual({
      [`200 OK`]: IN_FLIGHT,
    });
    // Not ready during the drain: refused at the socket, or 503.
    const refusedOr503 = (answer: { status: number } | { error: string }) =>
      'status' in answer ? answer.status === 503 : answer.error === 'ECONNREFUSED';
    expect(refusedOr503(drain.readyz), JSON.stringify(drain.readyz)).toBe(true);
    expect(refusedOr503(drain.newConnection), JSON.stringify(drain.newConnection)).toBe(true);
    expect(
      drain.newCall.status === 503 ||
        (drain.newCall.code === 'NETWORK' && drain.newCall.networkError === 'ECONNREFUSED'),
      JSON.stringify(drain.newCall),
    ).toBe(true);

    // Exit 0, within the grace period, promptly once the work was done.
    expect(exit, api.tail()).toEqual({ code: 0, signal: null });
    expect(exitedAt - drain.signalled).toBeLessThan(GRACE_MS);
    expect(exitedAt - released).toBeLessThan(2_000);
    const log = api.tail(400);
    expect(log).toContain('shut down cleanly');
    expect(log).not.toContain('grace period over');

    // No connection left from it, and the accepted work is stored.
    expect(
      await eventually(
        async () =>
          Object.keys(await connectionsByState(database.url, api.applicationName)).length === 0,
        2_000,
      ),
    ).toBe(true);
    expect(await expectProjectIntact(database.url, world.projectId)).toHaveLength(IN_FLIGHT);

    console.info(
      `[sigterm] ${IN_FLIGHT} in-flight creates all 200; during the drain /readyz ${JSON.stringify(drain.readyz)}, ` +
        `a new connection ${JSON.stringify(drain.newConnection)}, a new call ${drain.newCall.status || drain.newCall.networkError}; ` +
        `lock released ${Math.round(released - drain.signalled)} ms after SIGTERM, exit 0 ${Math.round(exitedAt - drain.signalled)} ms after SIGTERM ` +
        `(${Math.round(exitedAt - released)} ms after the work could finish); no connection left`,
    );
  });
});

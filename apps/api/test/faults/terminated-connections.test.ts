import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess } from './api-process';
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
  listTasks,
  loadLoops,
  percentile,
  queryRows,
  sleep,
} from './load';

const database = useTestDatabase();
afterAll(killApiProcesses);

describe('the server kills the API’s connections under load', { timeout: 60_000 }, () => {
  it('no crash, the pool recovers, and no transaction is half-applied', async () => {
    const api = await startApiProcess({ name: 'terminated', databaseUrl: database.url });
    const world = await createWorld(api.origin, 'KILL');

    type Sample = CallResult & { kind: 'create' | 'list' };
    let stopLoad = false;
    const load = loadLoops(
      8,
      () => stopLoad,
      async (loop, iteration): Promise<Sample> => {
        const kind = iteration % 2 === 0 ? 'create' : 'list';
        const result =
          kind === 'create'
            ? await createTask(api.origin, world, `loop ${loop} #${iteration}`)
            : await listTasks(api.origin, world);
        return { ...result, kind };
      },
    );

    // Every backend of the API's pool, several times, while the load runs.
    const terminated: number[] = [];
    await sleep(500);
    for (let round = 0; round < 5; round += 1) {
      const [killed] = await queryRows<{ count: number }>(
        database.url,
        `select count(*) filter (where pg_terminate_backend(pid))::int as count
           from pg_stat_activity
          where datname = current_database() and application_name = $1 and pid <> pg_backend_pid()`,
        [api.applicationName],
      );
      terminated.push(killed!.count);
      await sleep(400);
    }
    const lastKill = performance.now();
    await sleep(1_000);
    stopLoad = true;
    const samples = await load;

    expect(api.isRunning(), api.tail()).toBe(true);
    // The rounds did hit connections (under load the pool holds several).
    expect(terminated.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(10);

    // Each call either succeeded (retried on a fresh connection) or got a clean 503; never a 500 or a hang.
    const outcomes = countBy(samples, (sample) => `${sample.status} ${sample.code}`);
    expect(
      Object.keys(outcomes).filter((key) => !/^(200 OK|503 SERVICE_UNAVAILABLE)$/.test(key)),
    ).toEqual([]);
    // Recovered: the calls sent after the last kill all succeed, and so do 50 more now.
    const afterKills = samples.filter((sample) => sample.startedAt > lastKill + 100);
    expect(afterKills.length).toBeGreaterThan(20);
    expect(afterKills.every((sample) => sample.code === 'OK')).toBe(true);
    const later = await inFlight<CallResult>(50, 10, (index) =>
      index % 2 ? listTasks(api.origin, world) : createTask(api.origin, world, `later ${index}`),
    );
    expect(later.every((result) => result.code === 'OK')).toBe(true);

    // Nothing half-applied: every acknowledged task is stored with its activity entry, numbers
    // are 1..n with no gap, and the project's counter matches.
    const acknowledged = [...samples, ...later].filter(
      (sample) => sample.code === 'OK' && (sample.data as { number?: number }).number !== undefined,
    );
    const numbers = await expectProjectIntact(database.url, world.projectId);
    const storedNumbers = new Set(numbers);
    expect(
      acknowledged.filter(
        (sample) => !storedNumbers.has((sample.data as { number: number }).number),
      ),
    ).toEqual([]);
    const [activity] = await queryRows<{ count: number }>(
      database.url,
      "select count(*)::int as count from activity where kind = 'task.created' and workspace_id = $1",
      [world.workspaceId],
    );
    expect(activity!.count).toBe(numbers.length);

    // And the pool is back to idle.
    expect(
      await eventually(
        async () =>
          busyConnections(await connectionsByState(database.url, api.applicationName)) === 0,
        5_000,
      ),
    ).toBe(true);
    expectNoUnexpectedFailures(api);
    const latencies = samples.map((sample) => sample.ms);
    console.info(
      `[terminated connections] ${terminated.join('+')} backends terminated in 5 rounds; ${samples.length} calls under load: ${JSON.stringify(outcomes)}, ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms; ` +
        `${numbers.length} tasks stored (${acknowledged.length} acknowledged), numbers gapless, each with its activity entry`,
    );
    await api.stop();
    expect(api.exitCode()).toBe(0);
  });
});

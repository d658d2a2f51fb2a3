import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, Migrator } from '@trellis/db';
import { findFreePort, startEmbeddedServer, type EmbeddedServer } from '@trellis/db/embedded';
import { afterAll, describe, expect, it } from 'vitest';
import { allMigrations } from '../../src/migrations';
import { killApiProcesses, probe, startApiProcess, type ApiProcess } from './api-process';
import {
  type CallResult,
  countBy,
  createTask,
  createWorld,
  expectNoUnexpectedFailures,
  expectProjectIntact,
  listTasks,
  loadLoops,
  percentile,
  queryRows,
  sleep,
} from './load';

const REQUEST_TIMEOUT_MS = 5_000;
const OUTAGE_MS = 3_000;

afterAll(killApiProcesses);

describe('the database restarts under load', { timeout: 90_000 }, () => {
  let parent: string | undefined;
  let server: EmbeddedServer | undefined;

  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('answers 503 fast while it is down, recovers within 2 s, and loses no acknowledged write', async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'trellis-faults-restart-'));
    // The server runs as the `postgres` user when we are root: it must reach the folder.
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'cluster');
    const port = await findFreePort();
    // Not ephemeral: the folder must survive stop() to start again; afterAll removes it.
    server = await startEmbeddedServer({ dataDir, port, fast: true });
    const url = server.url;
    const migrator = createDatabase({ url, pool: { max: 2 } });
    try {
      await new Migrator(migrator, allMigrations).latest();
    } finally {
      await migrator.close();
    }

    const api: ApiProcess = await startApiProcess({
      name: 'restart',
      databaseUrl: url,
      env: { REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
    });
    const world = await createWorld(api.origin, 'RST');

    type Sample = CallResult & { kind: 'create' | 'list' };
    let stopLoad = false;
    const load = loadLoops(
      8,
      () => stopLoad,
      async (loop, iteration): Promise<Sample> => {
        const result =
          iteration % 2 === 0
            ? await createTask(api.origin, world, `loop ${loop} #${iteration}`, {
                clientTimeoutMs: REQUEST_TIMEOUT_MS * 3,
              })
            : await listTasks(api.origin, world, { clientTimeoutMs: REQUEST_TIMEOUT_MS * 3 });
        // Failed calls come back fast by design; a short pause keeps the loop from spinning.
        if (result.code !== 'OK') await sleep(20);
        return { ...result, kind: iteration % 2 === 0 ? 'create' : 'list' };
      },
    );

    await sleep(1_500);
    const stopping = performance.now();
    await server.stop();
    const down = performance.now();
    const readyDuringOutage = await probe(api.origin, '/readyz', 3_000);
    const healthDuringOutage = await probe(api.origin, '/healthz', 3_000);
    await sleep(OUTAGE_MS);
    const restarting = performance.now();
    server = await startEmbeddedServer({ dataDir, port, fast: true });
    const back = performance.now();
    await sleep(3_000);
    stopLoad = true;
    const samples = await load;

    // The process lived through it.
    expect(api.isRunning(), api.tail()).toBe(true);
    expect(healthDuringOutage).toMatchObject({ status: 200 });
    expect(readyDuringOutage).toMatchObject({ status: 503 });

    // Before the outage everything worked.
    const before = samples.filter((sample) => sample.endedAt < stopping);
    expect(before.length).toBeGreaterThan(20);
    expect(before.every((sample) => sample.code === 'OK')).toBe(true);

    // During the outage: fast 503s, nothing hangs.
    const outage = samples.filter(
      (sample) => sample.startedAt >= down && sample.endedAt <= restarting,
    );
    expect(outage.length).toBeGreaterThan(20);
    expect(countBy(outage, (sample) => `${sample.status} ${sample.code}`)).toEqual({
      '503 SERVICE_UNAVAILABLE': outage.length,
    });
    const outageLatencies = outage.map((sample) => sample.ms);
    expect(Math.max(...outageLatencies)).toBeLessThan(REQUEST_TIMEOUT_MS / 5);

    // No request of the whole run went unanswered or was an internal error.
    const statuses = countBy(samples, (sample) => `${sample.status} ${sample.code}`);
    expect(
      Object.keys(statuses).filter((status) => !/^(200 OK|503 SERVICE_UNAVAILABLE)$/.test(status)),
    ).toEqual([]);

    // Recovery: the first success of a request sent after the server came back, and from
    // 2 s after its return on, nothing fails.
    const after = samples.filter((sample) => sample.startedAt >= back);
    const firstSuccess = after.find((sample) => sample.code === 'OK');
    expect(firstSuccess).toBeDefined();
    const recoveryMs = firstSuccess!.endedAt - back;
    expect(recoveryMs).toBeLessThan(2_000);
    const settled = after.filter((sample) => sample.startedAt >= back + 2_000);
    expect(settled.length).toBeGreaterThan(20);
    expect(settled.every((sample) => sample.code === 'OK')).toBe(true);

    // Every write acknowledged with 200 is in the database, and numbers stay gapless.
    const acknowledged = samples
      .filter((sample) => sample.kind === 'create' && sample.code === 'OK')
      .map((sample) => (sample.data as { id: string }).id);
    const [stored] = await queryRows<{ count: number }>(
      url,
      'select count(*)::int as count from tasks where id = any($1::uuid[])',
      [acknowledged],
    );
    expect(stored!.count).toBe(acknowledged.length);
    await expectProjectIntact(url, world.projectId);
    expectNoUnexpectedFailures(api);

    console.info(
      `[database restart] stop took ${Math.round(down - stopping)} ms, outage ${Math.round(restarting - down)} ms, start took ${Math.round(back - restarting)} ms; ` +
        `${samples.length} calls (${acknowledged.length} acknowledged creates); during the outage ${outage.length} calls, all 503, ` +
        `p50 ${percentile(outageLatencies, 50).toFixed(1)} ms, p99 ${percentile(outageLatencies, 99).toFixed(1)} ms, max ${Math.max(...outageLatencies).toFixed(1)} ms; ` +
        `first success ${Math.round(recoveryMs)} ms after the server's return; outcomes ${JSON.stringify(statuses)}`,
    );
    await api.stop();
    expect(api.exitCode()).toBe(0);
  });
});

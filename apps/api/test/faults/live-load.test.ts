import { readFileSync } from 'node:fs';
import net from 'node:net';
import { recordActivities } from '@trellis/activity';
import { useTestDatabase } from '@trellis/db/testing';
import superjson from 'superjson';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess, type ApiProcess } from './api-process';
import {
  call,
  countBy,
  createTask,
  createWorld,
  eventually,
  must,
  queryRows,
  readMetric,
  seededRandom,
  sleep,
  type World,
} from './load';
import { LiveStream } from './sse-client';

const database = useTestDatabase();
afterAll(killApiProcesses);

const SUBSCRIBERS = 500;
const MAX_LAG = 200;

function residentMegabytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

interface TaskState {
  id: string;
  version: number;
  title: string;
  status: string;
}

/** A create, a real update, a no-op update (same values) or a labels-only save, at random. */
async function mixedWrite(
  origin: string,
  world: World,
  tasks: TaskState[],
  random: () => number,
  index: number,
): Promise<string> {
  const roll = random();
  if (tasks.length < 5 || roll < 0.3) {
    const result = await createTask(origin, world, `mixed ${index}`);
    if (result.status === 200) {
      const task = result.data as unknown as TaskState;
      tasks.push({ id: task.id, version: task.version, title: task.title, status: task.status });
    }
    return `create ${result.status}`;
  }
  const task = tasks[Math.floor(random() * tasks.length)]!;
  const input: Record<string, unknown> = { id: task.id, version: task.version };
  if (roll < 0.6) input.title = `renamed ${index}`;
  else if (roll < 0.8)
    input.title = task.title; // changes nothing
  else input.labelIds = []; // changes the labels once, then nothing
  const result = await call<TaskState>(origin, 'tasks.update', 'mutation', input, {
    token: world.token,
  });
  if (result.status === 200) {
    task.version = result.data!.version;
    task.title = result.data!.title;
  } else if (result.code === 'CONFLICT') {
    const fresh = await must(
      call<TaskState>(origin, 'tasks.get', 'query', { id: task.id }, { token: world.token }),
    );
    task.version = fresh.version;
    task.title = fresh.title;
  }
  return `update ${result.status}`;
}

/** An SSE request on a raw socket that is never read: a consumer that stalls. */
function stalledSubscriber(port: number, workspaceId: string, token: string): net.Socket {
  const input = encodeURIComponent(JSON.stringify(superjson.serialize({ workspaceId })));
  const socket = net.connect(port, '127.0.0.1', () => {
    socket.write(
      `GET /trpc/activity.onEvent?input=${input} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
        `Authorization: Bearer ${token}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    socket.pause();
  });
  socket.on('error', () => undefined);
  return socket;
}

describe('live updates under load', { timeout: 180_000 }, () => {
  let api: ApiProcess;
  let world: World;

  it('starts an instance', async () => {
    api = await startApiProcess({
      name: 'live-load',
      databaseUrl: database.url,
      env: {
        SUBSCRIPTIONS_PER_USER: '1000',
        SUBSCRIPTION_MAX_LAG: String(MAX_LAG),
        SHED_ACQUIRE_WAIT_MS: '20000',
        SHED_EVENT_LOOP_DELAY_MS: '5000',
      },
    });
    world = await createWorld(api.origin, 'LOAD');
  });

  it(`versions and events agree after a mixed concurrent load (no-op saves included)`, async () => {
    const countEntries = async () =>
      (
        await queryRows<{ count: number }>(
          database.url,
          'select count(*)::int as count from activity where workspace_id = $1',
          [world.workspaceId],
        )
      )[0]!.count;
    const watcher = new LiveStream(api.origin, world.workspaceId, { token: world.token });
    await watcher.connected();
    const entriesBefore = await countEntries();
    const tasks: TaskState[] = [];
    const random = seededRandom(9);
    let index = 0;
    const outcomes: string[] = [];
    const until = Date.now() + 3_000;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() < until) {
          outcomes.push(await mixedWrite(api.origin, world, tasks, random, (index += 1)));
        }
      }),
    );
    const rows = await queryRows<{ id: string; version: number; updates: number }>(
      database.url,
      `select t.id, t.version,
              (select count(*)::int from activity a
                where a.task_id = t.id and a.kind = 'task.updated') as updates
         from tasks t where t.project_id = $1`,
      [world.projectId],
    );
    expect(rows.length).toBeGreaterThan(5);
    const disagreeing = rows.filter((row) => row.version !== 1 + row.updates);
    expect(disagreeing).toEqual([]);
    // And the stream carried every one of those entries.
    await watcher.waitFor((await countEntries()) - entriesBefore, 10_000);
    const updatesSeen = countBy(
      watcher.events.filter((event) => event.entry.kind === 'task.updated'),
      (event) => event.entry.taskId!,
    );
    for (const row of rows) expect(updatesSeen[row.id] ?? 0).toBe(row.updates);
    watcher.close();
    console.info(`[live-load] mixed load: ${JSON.stringify(countBy(outcomes, (o) => o))}`);
  });

  it(`${SUBSCRIBERS} subscribers and a stalled one, a write every 10 ms for 10 s: each gets every event, memory stays bounded`, async () => {
    const quiet = await createWorld(api.origin, 'QUIET');
    const idle = new LiveStream(api.origin, quiet.workspaceId, { token: quiet.token });
    const streams = Array.from(
      { length: SUBSCRIBERS },
      () => new LiveStream(api.origin, world.workspaceId, { token: world.token, idsOnly: true }),
    );
    await Promise.all([idle, ...streams].map((stream) => stream.connected()));
    expect(streams.filter((stream) => stream.end !== undefined)).toHaveLength(0);
    // It never reads: its events pile up in the kernel's socket buffers, not in the server.
    const stalled = stalledSubscriber(api.port, world.workspaceId, world.token);
    await sleep(200);
    const rssBefore = residentMegabytes(api.pid);

    // A write every 10 ms, on a fixed schedule (not one after another): 1,000 in 10 s.
    let writes = 0;
    const lateness: number[] = [];
    const pending: Array<Promise<{ status: number }>> = [];
    const begin = Date.now();
    let rssPeak = rssBefore;
    while (writes < 1_000) {
      pending.push(createTask(api.origin, world, `fan-out ${writes}`, { clientTimeoutMs: 20_000 }));
      writes += 1;
      if (writes % 50 === 0) {
        rssPeak = Math.max(rssPeak, residentMegabytes(api.pid));
        // How far the slowest subscriber is behind the writes sent so far.
        lateness.push(writes - Math.min(...streams.map((stream) => stream.events.length)));
      }
      await sleep(Math.max(0, begin + writes * 10 - Date.now()));
    }
    const statuses = await Promise.all(pending);
    expect(statuses.filter((result) => result.status !== 200)).toEqual([]);
    const started = Date.now();
    await Promise.all(streams.map((stream) => stream.waitFor(writes, 30_000)));
    const drainMs = Date.now() - started;
    for (const stream of streams) {
      const seqs = stream.events.map((event) => Number(event.id));
      expect(seqs).toEqual(Array.from({ length: writes }, (_, i) => seqs[0]! + i));
    }
    const rssAfter = residentMegabytes(api.pid);
    console.info(
      `[live-load] ${SUBSCRIBERS} subscribers × ${writes} writes (one every 10 ms, ${Date.now() - begin} ms in all): all delivered ${drainMs} ms after the last write; slowest subscriber behind by at most ${Math.max(...lateness)} events; RSS ${rssBefore.toFixed(0)} → peak ${rssPeak.toFixed(0)} → ${rssAfter.toFixed(0)} MB`,
    );
    expect(drainMs).toBeLessThan(2_000);
    expect(rssPeak - rssBefore).toBeLessThan(150);

    // Idle streams get heartbeats (every 15 s) and stay open.
    expect(await eventually(async () => idle.pings > 0, 10_000)).toBe(true);
    expect(idle.end).toBeUndefined();
    idle.close();
    stalled.destroy();
    for (const stream of streams) stream.close();
    expect(
      await eventually(
        async () => (await readMetric(api.origin, 'trellis_live_subscriptions')) === 0,
        5_000,
      ),
    ).toBe(true);
    const delivered = await readMetric(api.origin, 'trellis_live_events_delivered_total');
    expect(delivered).toBeGreaterThanOrEqual(SUBSCRIBERS * writes);
    // Commit-to-delivery latency, one observation per delivered event.
    expect(
      await readMetric(api.origin, 'trellis_live_commit_to_delivery_seconds_count'),
    ).toBeGreaterThanOrEqual(SUBSCRIBERS * writes);
  });

  it('a stalled subscriber is cut off once its socket is full and it falls behind, without slowing the rest', async () => {
    const healthy = Array.from(
      { length: 20 },
      () => new LiveStream(api.origin, world.workspaceId, { token: world.token, idsOnly: true }),
    );
    await Promise.all(healthy.map((stream) => stream.connected()));
    const stalled = stalledSubscriber(api.port, world.workspaceId, world.token);
    let stalledClosed = false;
    stalled.once('close', () => (stalledClosed = true));
    await sleep(200);
    // 12 MB of events in bursts of 500: far past what the kernel buffers for one socket (~4 MB).
    const BURSTS = 12;
    const note = 'n'.repeat(2_000);
    for (let burst = 0; burst < BURSTS; burst += 1) {
      await database.db.transaction((session) =>
        recordActivities(
          session,
          Array.from({ length: 500 }, (_, index) => ({
            workspaceId: world.workspaceId,
            actorId: world.userId,
            kind: 'member.added' as const,
            data: { burst, index, note },
          })),
        ),
      );
    }
    const started = Date.now();
    await Promise.all(healthy.map((stream) => stream.waitFor(BURSTS * 500, 60_000)));
    console.info(
      `[live-load] burst of ${BURSTS * 500} events (~2 KB each) to 20 readers and a stalled one: all delivered ${Date.now() - started} ms after the last commit`,
    );
    for (const stream of healthy) {
      const seqs = stream.events.map((event) => Number(event.id));
      expect(seqs).toEqual(Array.from({ length: BURSTS * 500 }, (_, i) => seqs[0]! + i));
    }
    expect(
      await eventually(
        async () =>
          api.problems.some((line) =>
            String(line.msg).includes(`more than ${MAX_LAG} events behind`),
          ),
        5_000,
      ),
    ).toBe(true);
    expect(await readMetric(api.origin, 'trellis_live_subscriptions')).toBe(healthy.length);
    stalled.resume();
    expect(await eventually(async () => stalledClosed, 5_000)).toBe(true);
    for (const stream of healthy) stream.close();
  });
});

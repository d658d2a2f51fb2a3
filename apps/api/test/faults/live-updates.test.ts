import { createTask as createTaskInService } from '@trellis/tasks';
import { recordActivity } from '@trellis/activity';
import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess, type ApiProcess } from './api-process';
import {
  call,
  createTask,
  createWorld,
  eventually,
  must,
  percentile,
  queryRows,
  readMetric,
  sleep,
  type World,
} from './load';
import { LiveStream, type LiveEvent } from './sse-client';

const database = useTestDatabase();
afterAll(killApiProcesses);

const ids = (events: LiveEvent[]) => events.map((event) => Number(event.id));
const consecutive = (from: number, count: number) =>
  Array.from({ length: count }, (_, index) => from + index);

async function signUp(origin: string, name: string): Promise<{ token: string; userId: string }> {
  const auth = await must(
    call<{ token: string; user: { id: string } }>(origin, 'auth.signUp', 'mutation', {
      email: `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
      password: 'a long password',
      name,
    }),
  );
  return { token: auth.token, userId: auth.user.id };
}

/** Adds `person` to the world's workspace through an invitation, as the product does it. */
async function addMember(origin: string, world: World, person: { token: string }, email: string) {
  const invitation = await must(
    call<{ id: string }>(
      origin,
      'workspaces.invite',
      'mutation',
      { workspaceId: world.workspaceId, email, role: 'viewer' },
      { token: world.token },
    ),
  );
  await must(call(origin, 'invitations.accept', 'mutation', { id: invitation.id }, person));
}

describe('live updates: activity.onEvent over SSE across instances', { timeout: 120_000 }, () => {
  let a: ApiProcess;
  let b: ApiProcess;
  let world: World;

  it('starts two instances on one database', async () => {
    const env = { SUBSCRIPTIONS_PER_USER: '3', LOG_LEVEL: 'info' };
    [a, b] = await Promise.all([
      startApiProcess({ name: 'live-a', databaseUrl: database.url, env }),
      startApiProcess({ name: 'live-b', databaseUrl: database.url, env }),
    ]);
    world = await createWorld(a.origin, 'LIVE');
  });

  it('a subscriber on B sees tasks created through A within a second, in commit order', async () => {
    const stream = new LiveStream(b.origin, world.workspaceId, { token: world.token });
    await stream.connected();
    const latencies: number[] = [];
    for (let index = 0; index < 20; index += 1) {
      const sent = Date.now();
      await must(createTask(a.origin, world, `live ${index}`));
      const [event] = (await stream.waitFor(index + 1, 1_000)).slice(-1);
      latencies.push(event!.receivedAt - sent);
      expect(event!.entry).toMatchObject({
        kind: 'task.created',
        data: { title: `live ${index}` },
      });
    }
    const seqs = ids(stream.events);
    expect(seqs).toEqual(consecutive(seqs[0]!, 20));
    // The same shape as an activity.list item.
    const [listed] = await must(
      call<Array<Record<string, unknown>>>(
        a.origin,
        'activity.list',
        'query',
        { workspaceId: world.workspaceId, limit: 1 },
        { token: world.token },
      ),
    );
    expect(stream.events.at(-1)!.entry).toEqual(listed);
    stream.close();
    console.info(
      `[live] create on A → event on B: median ${percentile(latencies, 50)} ms, max ${Math.max(...latencies)} ms over 20`,
    );
    expect(Math.max(...latencies)).toBeLessThan(1_000);
  });

  it('a rolled-back mutation sends nothing; the next committed one comes right after', async () => {
    const stream = new LiveStream(a.origin, world.workspaceId, { token: world.token });
    await stream.connected();
    const owner = { userId: world.userId };
    await database.db
      .transaction(async (session) => {
        await createTaskInService(session, owner, {
          projectId: world.projectId,
          title: 'rolled back',
        });
        throw new Error('the mutation fails halfway');
      })
      .catch(() => undefined);
    await must(createTask(a.origin, world, 'committed'));
    const [event] = await stream.waitFor(1, 2_000);
    expect(event!.entry.data).toMatchObject({ title: 'committed' });
    await sleep(300);
    expect(stream.events).toHaveLength(1);
    stream.close();
  });

  it('a non-member gets NOT_FOUND; without a token UNAUTHORIZED; a bad lastEventId BAD_REQUEST', async () => {
    const stranger = await signUp(a.origin, 'Stranger');
    const refused = new LiveStream(a.origin, world.workspaceId, { token: stranger.token });
    expect(await refused.ended()).toMatchObject({ how: 'error', code: 'NOT_FOUND' });
    const missing = new LiveStream(a.origin, '00000000-0000-4000-8000-000000000000', {
      token: stranger.token,
    });
    expect(await missing.ended()).toMatchObject({ how: 'error', code: 'NOT_FOUND' });
    const anonymous = new LiveStream(a.origin, world.workspaceId);
    expect(await anonymous.ended()).toMatchObject({ how: 'error', code: 'UNAUTHORIZED' });
    const bad = new LiveStream(a.origin, world.workspaceId, {
      token: world.token,
      lastEventId: 'x; drop table activity',
    });
    expect(await bad.ended()).toMatchObject({ how: 'error', code: 'BAD_REQUEST' });
  });

  it('a member removed from the workspace: their stream ends at once with FORBIDDEN', async () => {
    const email = `viewer-${Date.now()}@example.com`;
    const viewer = await must(
      call<{ token: string; user: { id: string } }>(a.origin, 'auth.signUp', 'mutation', {
        email,
        password: 'a long password',
        name: 'Viewer',
      }),
    );
    await addMember(a.origin, world, viewer, email);
    const stream = new LiveStream(b.origin, world.workspaceId, { token: viewer.token });
    await stream.connected();
    await must(createTask(a.origin, world, 'seen by the viewer'));
    await stream.waitFor(1, 2_000);
    await must(
      call(
        a.origin,
        'workspaces.removeMember',
        'mutation',
        { workspaceId: world.workspaceId, userId: viewer.user.id },
        { token: world.token },
      ),
    );
    const end = await Promise.race([stream.ended(), sleep(2_000).then(() => undefined)]);
    expect(end).toMatchObject({ how: 'error', code: 'FORBIDDEN' });
    expect(stream.events.map((event) => event.entry.kind)).toEqual(['task.created']);
    // And a new subscription is refused like any non-member's.
    const again = new LiveStream(b.origin, world.workspaceId, { token: viewer.token });
    expect(await again.ended()).toMatchObject({ how: 'error', code: 'NOT_FOUND' });
  });

  it('resumes with lastEventId after missing 100 events: all 100 in order, once, then live ones', async () => {
    const first = new LiveStream(b.origin, world.workspaceId, { token: world.token });
    await first.connected();
    await must(createTask(a.origin, world, 'before the gap'));
    const [seen] = await first.waitFor(1, 2_000);
    first.close();
    for (let index = 0; index < 100; index += 1) {
      await must(createTask(a.origin, world, `missed ${index}`));
    }
    const resumed = new LiveStream(b.origin, world.workspaceId, {
      token: world.token,
      lastEventId: seen!.id,
    });
    const replayed = await resumed.waitFor(100, 5_000);
    expect(ids(replayed)).toEqual(consecutive(Number(seen!.id) + 1, 100));
    expect(replayed.map((event) => event.entry.data.title)).toEqual(
      Array.from({ length: 100 }, (_, index) => `missed ${index}`),
    );
    await must(createTask(a.origin, world, 'live after the replay'));
    const [live] = (await resumed.waitFor(101, 2_000)).slice(-1);
    expect(live!.entry.data.title).toBe('live after the replay');
    expect(Number(live!.id)).toBe(Number(seen!.id) + 101);
    resumed.close();

    // EventSource's own reconnect sends the id as the Last-Event-ID header: the same resumption.
    const byHeader = new LiveStream(a.origin, world.workspaceId, {
      token: world.token,
      lastEventIdHeader: String(Number(seen!.id) + 99),
    });
    expect(ids(await byHeader.waitFor(2, 2_000))).toEqual([
      Number(seen!.id) + 100,
      Number(seen!.id) + 101,
    ]);
    byHeader.close();
  });

  it('out-of-order commits: the later writer commits first, and a client resuming between the commits still gets both, once each', async () => {
    const stream = new LiveStream(a.origin, world.workspaceId, { token: world.token });
    await stream.connected();
    const entry = (title: string) => ({
      workspaceId: world.workspaceId,
      actorId: world.userId,
      kind: 'task.updated' as const,
      data: { key: 'LIVE-0', title, fields: ['title'] },
    });
    let releaseEarly!: () => void;
    const earlyMayCommit = new Promise<void>((resolve) => (releaseEarly = resolve));
    let earlyWrote!: () => void;
    const earlyHasWritten = new Promise<void>((resolve) => (earlyWrote = resolve));
    const early = database.db.transaction(async (session) => {
      await recordActivity(session, entry('written first, committed last'));
      earlyWrote();
      await earlyMayCommit;
    });
    await earlyHasWritten;
    await sleep(20);
    await database.db.transaction((session) =>
      recordActivity(session, entry('written last, committed first')),
    );
    const [laterWriter] = await stream.waitFor(1, 2_000);
    expect(laterWriter!.entry.data.title).toBe('written last, committed first');
    stream.close();
    // The client is gone; the early writer commits now.
    releaseEarly();
    await early;
    const written = await queryRows<{ title: string }>(
      database.url,
      `select data->>'title' as title from activity where workspace_id = $1 and kind = 'task.updated' order by created_at`,
      [world.workspaceId],
    );
    expect(written.map((row) => row.title).slice(-2)).toEqual([
      'written first, committed last',
      'written last, committed first',
    ]);
    const resumed = new LiveStream(b.origin, world.workspaceId, {
      token: world.token,
      lastEventId: laterWriter!.id,
    });
    const [next] = await resumed.waitFor(1, 2_000);
    expect(next!.entry.data.title).toBe('written first, committed last');
    expect(Number(next!.id)).toBe(Number(laterWriter!.id) + 1);
    await sleep(300);
    expect(resumed.events).toHaveLength(1);
    resumed.close();
  });

  it('the listening connection killed during a steady stream of writes: every committed event arrives exactly once', async () => {
    const stream = new LiveStream(b.origin, world.workspaceId, { token: world.token });
    await stream.connected();
    const reconnectsBefore =
      (await readMetric(b.origin, 'trellis_live_listener_reconnects_total')) ?? 0;
    let writing = true;
    let acknowledged = 0;
    const writer = (async () => {
      while (writing) {
        const result = await createTask(a.origin, world, `steady ${acknowledged}`);
        if (result.status === 200) acknowledged += 1;
        await sleep(10);
      }
    })();
    await sleep(500);
    const killed = await queryRows<{ killed: boolean }>(
      database.url,
      'select pg_terminate_backend(pid) as killed from pg_stat_activity where application_name = $1',
      [`${b.applicationName}-listener`],
    );
    expect(killed.length).toBeGreaterThan(0);
    await sleep(1_500);
    writing = false;
    await writer;
    const received = await stream.waitFor(acknowledged, 5_000);
    await sleep(300);
    expect(stream.events).toHaveLength(acknowledged);
    const seqs = ids(received);
    expect(seqs).toEqual(consecutive(seqs[0]!, acknowledged));
    expect(new Set(received.map((event) => event.entry.id)).size).toBe(acknowledged);
    expect(
      await eventually(
        async () =>
          ((await readMetric(b.origin, 'trellis_live_listener_reconnects_total')) ?? 0) >
          reconnectsBefore,
        2_000,
      ),
    ).toBe(true);
    stream.close();
    console.info(
      `[live] listener killed mid-stream: ${acknowledged} writes, ${received.length} events, each once`,
    );
  });

  it('caps streams per user with TOO_MANY_REQUESTS, and a token in connectionParams works but never reaches a log line', async () => {
    const streams = Array.from(
      { length: 3 },
      () => new LiveStream(a.origin, world.workspaceId, { connectionParamsToken: world.token }),
    );
    await Promise.all(streams.map((stream) => stream.connected()));
    expect(streams.map((stream) => stream.end)).toEqual([undefined, undefined, undefined]);
    const fourth = new LiveStream(a.origin, world.workspaceId, { token: world.token });
    expect(await fourth.ended()).toMatchObject({ how: 'error', code: 'TOO_MANY_REQUESTS' });
    for (const stream of streams) stream.close();
    // A closed stream frees its slot.
    expect(
      await eventually(async () => {
        const probe = new LiveStream(a.origin, world.workspaceId, { token: world.token });
        await probe.connected();
        const open = probe.end === undefined;
        probe.close();
        return open;
      }, 2_000),
    ).toBe(true);
    expect(a.tail(100_000)).not.toContain(world.token);
    expect(b.tail(100_000)).not.toContain(world.token);
  });

  it('on SIGTERM the streams end with SERVICE_UNAVAILABLE (clients reconnect elsewhere) and the instance exits promptly', async () => {
    const stream = new LiveStream(b.origin, world.workspaceId, { token: world.token });
    await stream.connected();
    const started = Date.now();
    b.signal('SIGTERM');
    expect(await stream.ended()).toMatchObject({ how: 'error', code: 'SERVICE_UNAVAILABLE' });
    expect(await b.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTrellisClient,
  isNotFound,
  isUnauthorized,
  TrellisError,
  type ActivityEvent,
  type TrellisClient,
  type TrellisClientOptions,
} from '../src';
import { useApiServer } from './api-server';
import { startFaultProxy, type Fault, type FaultProxy } from './fault-proxy';

const api = useApiServer();
let proxy: FaultProxy | undefined;
const open: Array<() => void> = [];
afterEach(async () => {
  for (const stop of open.splice(0)) stop();
  await proxy?.close();
  proxy = undefined;
});

const fast = { retries: 3, baseDelayMs: 20, maxDelayMs: 500 };

async function world() {
  const { token } = await createTrellisClient({ url: api.url }).auth.signUp.mutate({
    email: `live-${randomUUID().slice(0, 8)}@example.com`,
    password: 'a long password',
    name: 'Live Test',
  });
  const client = createTrellisClient({ url: api.url, token });
  const workspace = await client.workspaces.create.mutate({
    name: 'Live',
    slug: `live-${randomUUID().slice(0, 8)}`,
  });
  const project = await client.projects.create.mutate({
    workspaceId: workspace.id,
    key: 'LIV',
    name: 'Live',
  });
  return { client, token, workspace, project };
}

/** Waits until `check` holds (polling), or fails after `ms`. */
async function until(check: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A subscription to a workspace's activity, recording what it delivers. */
function watch(client: TrellisClient, workspaceId: string, lastEventId?: string) {
  const events: ActivityEvent[] = [];
  const states: string[] = [];
  let started = 0;
  let error: unknown;
  const subscription = client.activity.onEvent.subscribe(
    { workspaceId, ...(lastEventId ? { lastEventId } : {}) },
    {
      onStarted: () => (started += 1),
      onData: (event) => events.push(event),
      onError: (failure) => (error = failure),
      onConnectionStateChange: (state) => states.push(state.state),
    },
  );
  open.push(() => subscription.unsubscribe());
  return {
    events,
    states,
    get started() {
      return started;
    },
    get error() {
      return error;
    },
    unsubscribe: () => subscription.unsubscribe(),
  };
}

describe('subscriptions: activity.onEvent over Server-Sent Events', () => {
  it('delivers each change as { id, data } with the activity.list shape, dates as Date', async () => {
    const { client, workspace, project } = await world();
    const live = watch(client, workspace.id);
    await until(() => live.started === 1, 15_000, 'the stream to start');
    const task = await client.tasks.create.mutate({ projectId: project.id, title: 'Live one' });
    await client.tasks.update.mutate({ id: task.id, version: task.version, status: 'done' });
    await until(() => live.events.length === 2, 15_000, 'two events');
    const [created, updated] = live.events;
    expect(created!.id).toMatch(/^\d+$/);
    expect(Number(updated!.id)).toBe(Number(created!.id) + 1);
    expect(created!.data).toMatchObject({
      kind: 'task.created',
      taskId: task.id,
      actor: { name: 'Live Test' },
      data: { key: 'LIV-1', title: 'Live one' },
    });
    expect(created!.data.createdAt).toBeInstanceOf(Date);
    expect(updated!.data).toMatchObject({
      kind: 'task.updated',
      data: { key: 'LIV-1', fields: ['status'] },
    });
    // Exactly what activity.list says about the same entries.
    const listed = await client.activity.list.query({ workspaceId: workspace.id });
    expect(listed.slice(0, 2).reverse()).toEqual(live.events.map((event) => event.data));
    expect(live.error).toBeUndefined();
  });

  it('on Node sends the token as an Authorization header, never in the URL', async () => {
    const { token, workspace, project } = await world();
    proxy = await startFaultProxy(api.url, []);
    const client = createTrellisClient({ url: proxy.url, token: () => token });
    const live = watch(client, workspace.id);
    await until(() => live.started === 1);
    await client.tasks.create.mutate({ projectId: project.id, title: 'Header' });
    await until(() => live.events.length === 1);
    const stream = proxy.seen.find((request) => request.path.includes('activity.onEvent'))!;
    expect(stream.authorization).toBe(`Bearer ${token}`);
    expect(stream.path).not.toContain(token);
    expect(stream.path).not.toContain('connectionParams');
  });

  it("in connectionParams mode (a browser's EventSource) the token travels as connectionParams", async () => {
    const { token, workspace, project } = await world();
    proxy = await startFaultProxy(api.url, []);
    const options: TrellisClientOptions = {
      url: proxy.url,
      token,
      subscriptionToken: 'connectionParams',
    };
    const client = createTrellisClient(options);
    const live = watch(client, workspace.id);
    await until(() => live.started === 1);
    await client.tasks.create.mutate({ projectId: project.id, title: 'Params' });
    await until(() => live.events.length === 1);
    const stream = proxy.seen.find((request) => request.path.includes('activity.onEvent'))!;
    expect(stream.authorization).toBeUndefined();
    const params = new URL(stream.path, 'http://x').searchParams.get('connectionParams');
    expect(JSON.parse(params!)).toEqual({ token });
  });

  it('resumes after a dropped connection and a refused reconnection, losing and repeating nothing', async () => {
    const { client: direct, token, workspace, project } = await world();
    // The stream passes, then (after the cut) the reconnection is refused with a 503 twice.
    const plan: Fault[] = ['pass', { status: 503 }, { status: 503 }];
    proxy = await startFaultProxy(api.url, plan);
    const client = createTrellisClient({ url: proxy.url, token, retry: fast });
    const live = watch(client, workspace.id);
    await until(() => live.started === 1);
    await direct.tasks.create.mutate({ projectId: project.id, title: 'Before the cut' });
    await until(() => live.events.length === 1);
    proxy.dropConnections();
    // Written while the watcher is away.
    await direct.tasks.create.mutate({ projectId: project.id, title: 'During the cut' });
    await direct.tasks.create.mutate({ projectId: project.id, title: 'Also during the cut' });
    await until(() => live.events.length >= 3, 20_000, 'the resumed stream');
    await direct.tasks.create.mutate({ projectId: project.id, title: 'After the cut' });
    await until(() => live.events.length >= 4, 15_000, 'the live event after resuming');
    expect(live.events.map((event) => event.data.data.title)).toEqual([
      'Before the cut',
      'During the cut',
      'Also during the cut',
      'After the cut',
    ]);
    expect(live.error).toBeUndefined();
    expect(live.started).toBe(2);
    const streams = proxy.seen.filter((request) => request.path.includes('activity.onEvent'));
    // The first stream, the two refusals, the stream that resumed.
    expect(streams).toHaveLength(4);
    const first = live.events[0]!.id;
    // EventSource's own reconnection sends Last-Event-ID; the reopened one has it in the input.
    expect(streams[1]!.lastEventId).toBe(first);
    const input = (path: string) =>
      JSON.parse(new URL(path, 'http://x').searchParams.get('input')!) as {
        json: { lastEventId?: string };
      };
    expect(input(streams[3]!.path).json.lastEventId).toBe(first);
  }, 40_000);

  it('resumes from a lastEventId given by the caller', async () => {
    const { client, workspace, project } = await world();
    await client.tasks.create.mutate({ projectId: project.id, title: 'One' });
    await client.tasks.create.mutate({ projectId: project.id, title: 'Two' });
    const everything = watch(client, workspace.id, '0');
    await until(() => everything.events.length === 2);
    const resumed = watch(client, workspace.id, everything.events[0]!.id);
    await until(() => resumed.events.length === 1);
    expect(resumed.events[0]!.data.data.title).toBe('Two');
  });

  it('ends with a TrellisError: NOT_FOUND for a non-member, UNAUTHORIZED without a token', async () => {
    const { workspace } = await world();
    const { client: stranger } = await world();
    const refused = watch(stranger, workspace.id);
    await until(() => refused.error !== undefined);
    expect(refused.error).toBeInstanceOf(TrellisError);
    expect(isNotFound(refused.error)).toBe(true);
    const anonymous = watch(createTrellisClient({ url: api.url }), workspace.id);
    await until(() => anonymous.error !== undefined);
    expect(isUnauthorized(anonymous.error)).toBe(true);
    expect((anonymous.error as TrellisError).status).toBe(401);
  });

  it('a refusal that is not transient (404) ends the subscription with its status', async () => {
    const { token, workspace } = await world();
    proxy = await startFaultProxy(api.url, [{ status: 404 }]);
    const client = createTrellisClient({ url: proxy.url, token, retry: fast });
    const live = watch(client, workspace.id);
    await until(() => live.error !== undefined);
    expect(live.error).toMatchObject({ code: 'NETWORK_ERROR', status: 404 });
    expect(proxy.seen).toHaveLength(1);
  });

  it('with retry: false a refused stream is not reopened', async () => {
    const { token, workspace } = await world();
    proxy = await startFaultProxy(api.url, [{ status: 503 }]);
    const client = createTrellisClient({ url: proxy.url, token, retry: false });
    const live = watch(client, workspace.id);
    await until(() => live.error !== undefined);
    expect(live.error).toMatchObject({ status: 503 });
    expect(proxy.seen).toHaveLength(1);
  });
});

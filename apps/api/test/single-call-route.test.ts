import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter, type AppRouter } from '../src/app-router';
import { ApiMetrics } from '../src/http/metrics';
import { serverTimingHeader } from '../src/http/server-timing';
import { SubscriptionSlots } from '../src/live/subscription-slots';
import { createContextFactory } from '../src/trpc/context';
import { createWorld } from './fixtures';
import { useApi } from './harness';

const api = useApi();

/** The same router and context behind tRPC's stock fastifyTRPCPlugin: the reference answers. */
let stock: FastifyInstance;
let stockOrigin: string;

beforeAll(async () => {
  stock = Fastify({ routerOptions: { maxParamLength: 5_000 } });
  await stock.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory({
        config: api.config,
        db: api.db,
        metrics: new ApiMetrics(api.db),
        // No subscription is called here.
        feed: undefined as never,
        subscriptionSlots: new SubscriptionSlots({ perUser: 1, max: 1 }),
      }),
      responseMeta: ({ ctx }) => ({
        headers: ctx ? { 'server-timing': serverTimingHeader(ctx.queryStats) } : {},
      }),
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });
  stockOrigin = await stock.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => stock.close());

interface Answer {
  status: number;
  contentType: string | null;
  vary: string | null;
  serverTiming: boolean;
  body: unknown;
}

async function ask(origin: string, path: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(`${origin}/trpc/${path}`, init);
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    vary: response.headers.get('vary'),
    serverTiming: response.headers.has('server-timing'),
    body: await response.json(),
  };
}

const get = (procedure: string, input: unknown, token?: string): [string, RequestInit] => [
  `${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`}`,
  { headers: token ? { authorization: `Bearer ${token}` } : {} },
];
const post = (procedure: string, input: unknown, token?: string): [string, RequestInit] => [
  procedure,
  {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(superjson.serialize(input)),
  },
];

describe('single calls answered without tRPC’s fetch layer', () => {
  let world: Awaited<ReturnType<typeof createWorld>>;
  let taskId: string;

  beforeAll(async () => {
    world = await createWorld(api);
    taskId = (
      await world.owner.client.tasks.create.mutate({
        projectId: world.project.id,
        title: 'Same answer',
        dueDate: new Date('2026-12-24T00:00:00.000Z'),
      })
    ).id;
  });

  it('answer exactly as tRPC’s own adapter does: results, dates, every error shape and status', async () => {
    const token = world.owner.token;
    const cases: Array<[string, RequestInit]> = [
      get('auth.me', undefined, token),
      get('auth.me', undefined),
      get('tasks.get', { id: taskId }, token),
      get('tasks.get', { id: '00000000-0000-4000-8000-000000000000' }, token),
      get('tasks.get', { id: 'not an id' }, token),
      get('tasks.get', { id: taskId, extra: 1 }, token),
      get('tasks.list', { projectId: world.project.id, limit: 5 }, token),
      post('tasks.create', { projectId: 'nope', title: '' }, token),
      post('workspaces.create', { name: 'Acme', slug: world.workspace.slug }, token),
      post('tasks.update', { id: taskId, version: 99, title: 'x' }, token),
      post('auth.signIn', { email: 'nobody@example.com', password: 'wrong password!' }),
      // Not single calls of the right kind: tRPC's adapter answers these in both servers.
      get('tasks.create', { projectId: world.project.id, title: 'via GET' }, token),
      get('no.such.procedure', undefined, token),
      // Batches of one (httpBatchLink's lone call) are answered by the fast path too.
      [`auth.me?batch=1`, { headers: { authorization: `Bearer ${token}` } }],
      [
        `tasks.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: superjson.serialize({ id: taskId }) }))}`,
        { headers: { authorization: `Bearer ${token}` } },
      ],
      [
        `tasks.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: superjson.serialize({ id: 'bad' }) }))}`,
        { headers: { authorization: `Bearer ${token}` } },
      ],
      [
        'workspaces.create?batch=1',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            0: superjson.serialize({ name: 'Acme', slug: world.workspace.slug }),
          }),
        },
      ],
      // A batch of two goes to tRPC's handler in both.
      [
        `auth.me,tasks.get?batch=1&input=${encodeURIComponent(JSON.stringify({ 1: superjson.serialize({ id: taskId }) }))}`,
        { headers: { authorization: `Bearer ${token}` } },
      ],
      [
        `auth.me?input=${encodeURIComponent('{not json')}`,
        { headers: { authorization: `Bearer ${token}` } },
      ],
    ];
    for (const [path, init] of cases) {
      const ours = await ask(api.origin, path, init);
      const theirs = await ask(stockOrigin, path, init);
      expect({ path, ...ours }).toEqual({ path, ...theirs });
    }
  });
});

describe('the procedure map the fast path reads', () => {
  it('lists every procedure of the router with its type (fails loudly if tRPC changes _def.procedures)', () => {
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def?: { type?: string } }
    >;
    const types = Object.values(procedures).map((procedure) => procedure._def?.type);
    expect(types.length).toBeGreaterThan(20);
    expect(new Set(types)).toEqual(new Set(['query', 'mutation', 'subscription']));
  });
});

import type { AppRouter as ServerRouter } from '@trellis/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { describe, expectTypeOf, it } from 'vitest';
import type { Unsubscribable } from '@trpc/server/observable';
import {
  createTrellisClient,
  type ActivityEntry,
  type ActivityEvent,
  type AppRouter,
  type TrellisError,
  type FieldIssue,
  type RouterInputs,
  type RouterOutputs,
  type Task,
} from '../src';

type ServerConfig = ServerRouter['_def']['_config']['$types'];
type ClientConfig = AppRouter['_def']['_config']['$types'];
type ErrorShapeCode = ClientConfig['errorShape']['data']['code'];

describe('the shipped router types are exactly the server router', () => {
  it('has the same inputs and outputs for every procedure (regenerate when this fails)', () => {
    expectTypeOf<RouterInputs>().toEqualTypeOf<inferRouterInputs<ServerRouter>>();
    expectTypeOf<RouterOutputs>().toEqualTypeOf<inferRouterOutputs<ServerRouter>>();
    expectTypeOf<ClientConfig['errorShape']>().toEqualTypeOf<ServerConfig['errorShape']>();
    expectTypeOf<ClientConfig['meta']>().toEqualTypeOf<ServerConfig['meta']>();
    expectTypeOf<ClientConfig['transformer']>().toEqualTypeOf<ServerConfig['transformer']>();
  });
});

describe('a client infers inputs and outputs', () => {
  const client = createTrellisClient({ url: 'http://127.0.0.1:1/trpc', token: 't' });

  it('types inputs: a wrong field, a wrong type and a missing field fail to compile', () => {
    expectTypeOf(client.tasks.create.mutate)
      .parameter(0)
      .toMatchTypeOf<{ projectId: string; title: string }>();
    // @ts-expect-error misspelt field
    void client.tasks.create.mutate({ projectId: 'p', titel: 'x' });
    // @ts-expect-error wrong type
    void client.tasks.create.mutate({ projectId: 'p', title: 42 });
    // @ts-expect-error missing title
    void client.tasks.create.mutate({ projectId: 'p' });
    // @ts-expect-error unknown status
    void client.tasks.update.mutate({ id: 'i', version: 1, status: 'finished' });
    // @ts-expect-error key lookups need the workspace
    void client.tasks.getByKey.query({ key: 'ENG-1' });
  });

  it('types outputs: Task.labels, dates as Date, enums as unions', () => {
    expectTypeOf<Task['labels']>().toEqualTypeOf<
      Array<{ id: string; name: string; color: string }>
    >();
    expectTypeOf<Task['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<Task['dueDate']>().toEqualTypeOf<Date | null>();
    expectTypeOf<Task['status']>().toEqualTypeOf<
      'backlog' | 'todo' | 'in_progress' | 'done' | 'canceled'
    >();
    expectTypeOf(client.tasks.getByKey.query).returns.resolves.toHaveProperty('comments');
    expectTypeOf(client.tasks.list.query).returns.resolves.toEqualTypeOf<
      RouterOutputs['tasks']['list']
    >();
    expectTypeOf<RouterOutputs['tasks']['list']['items'][number]['commentCount']>().toBeNumber();
  });

  it('types subscriptions: activity.onEvent delivers { id, data } with the activity.list entry', () => {
    expectTypeOf<ActivityEvent>().toEqualTypeOf<{ id: string; data: ActivityEntry }>();
    expectTypeOf<ActivityEntry>().toEqualTypeOf<RouterOutputs['activity']['list'][number]>();
    expectTypeOf<ActivityEvent['data']['createdAt']>().toEqualTypeOf<Date>();
    expectTypeOf<ActivityEvent['data']['kind']>().toEqualTypeOf<
      | 'task.created'
      | 'task.updated'
      | 'task.deleted'
      | 'comment.added'
      | 'member.added'
      | 'member.removed'
      | 'member.left'
      | 'member.role_changed'
      | 'workspace.ownership_transferred'
    >();
    const subscription = client.activity.onEvent.subscribe(
      { workspaceId: 'w' },
      {
        onData(event) {
          expectTypeOf(event).toEqualTypeOf<ActivityEvent>();
          expectTypeOf(event.id).toBeString();
          expectTypeOf(event.data.actor.name).toBeString();
          expectTypeOf(event.data.data).toEqualTypeOf<{ [key: string]: unknown }>();
        },
        onError(error) {
          expectTypeOf(error.data?.code).toEqualTypeOf<ErrorShapeCode | undefined>();
        },
      },
    );
    expectTypeOf(subscription).toEqualTypeOf<Unsubscribable>();
    expectTypeOf(client.activity.onEvent.subscribe)
      .parameter(0)
      .toEqualTypeOf<{ workspaceId: string; lastEventId?: undefined | string }>();
    // @ts-expect-error the workspace is required
    client.activity.onEvent.subscribe({}, {});
    // @ts-expect-error lastEventId is a string (the decimal event id)
    client.activity.onEvent.subscribe({ workspaceId: 'w', lastEventId: 5 }, {});
    /* eslint-disable @typescript-eslint/no-unsafe-call -- the call exists to fail typechecking */
    // @ts-expect-error a subscription is not a query
    void client.activity.onEvent.query({ workspaceId: 'w' });
    /* eslint-enable @typescript-eslint/no-unsafe-call */
    client.activity.onEvent.subscribe(
      { workspaceId: 'w' },
      {
        onData(event) {
          // @ts-expect-error misspelt field of the entry
          void event.data.kinds;
        },
      },
    );
  });

  it('types errors', () => {
    expectTypeOf<TrellisError['issues']>().toEqualTypeOf<readonly FieldIssue[]>();
    expectTypeOf<FieldIssue['path']>().toEqualTypeOf<Array<string | number>>();
    expectTypeOf<TrellisError['status']>().toEqualTypeOf<number | undefined>();
  });
});

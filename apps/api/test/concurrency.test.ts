import { describe, expect, it } from 'vitest';
import { createWorld, inBatches } from './fixtures';
import { codeOf, useApi } from './harness';

// What is tested here is numbering and conflicts, not overload: generous deadlines and no load
// shedding, so a slow CI machine (200 creates queue on one project's row lock) cannot turn the
// race into timeouts or 503s. Load shedding and timeouts have their own tests.
const api = useApi(
  { REQUEST_TIMEOUT_MS: 60_000, SHED_ACQUIRE_WAIT_MS: 60_000 },
  { max: 10, database: { lockTimeoutMs: 60_000, pool: { acquireTimeoutMs: 60_000 } } },
);

describe('concurrency over HTTP', () => {
  it('200 concurrent tasks.create calls into one project get numbers 1..200, each once', async () => {
    const world = await createWorld(api, 'RACE');
    const c = world.owner.client;
    const tasks = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        c.tasks.create.mutate({ projectId: world.project.id, title: `t${index}` }),
      ),
    );
    const numbers = tasks.map((task) => task.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(new Set(tasks.map((task) => task.key)).size).toBe(200);
    expect(api.db.poolStats().used).toBe(0);
  });

  it('a tasks.update race with the same version: exactly one wins, the others get CONFLICT, nothing is lost', async () => {
    const world = await createWorld(api, 'UPD');
    const c = world.owner.client;
    const task = await c.tasks.create.mutate({ projectId: world.project.id, title: 'original' });
    const codes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        codeOf(
          c.tasks.update.mutate({ id: task.id, version: task.version, title: `writer ${index}` }),
        ),
      ),
    );
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    expect(codes.filter((code) => code === 'CONFLICT')).toHaveLength(11);
    const after = await c.tasks.get.query({ id: task.id });
    expect(after.version).toBe(task.version + 1);
    const winner = codes.indexOf('OK');
    expect(after.title).toBe(`writer ${winner}`);
    const activity = await c.activity.list.query({ workspaceId: world.workspace.id });
    expect(activity.filter((entry) => entry.kind === 'task.updated')).toHaveLength(1);
  });

  it('creates in two projects proceed side by side', async () => {
    const world = await createWorld(api, 'AAA');
    const second = await world.owner.client.projects.create.mutate({
      workspaceId: world.workspace.id,
      key: 'BBB',
      name: 'Second',
    });
    const results = await inBatches(40, 20, (index) =>
      world.owner.client.tasks.create.mutate({
        projectId: index % 2 ? world.project.id : second.id,
        title: `t${index}`,
      }),
    );
    for (const projectId of [world.project.id, second.id]) {
      const numbers = results
        .filter((task) => task.projectId === projectId)
        .map((task) => task.number)
        .sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, index) => index + 1));
    }
  });
});

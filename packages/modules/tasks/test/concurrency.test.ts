import { ConflictError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, getTask, listTasks, updateTask } from '../src';
import { buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

/** Resolves when `promise` settles, or with 'pending' after `ms`. */
async function stateAfter(promise: Promise<unknown>, ms: number): Promise<'settled' | 'pending'> {
  const timer = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms));
  return Promise.race([
    promise.then(
      () => 'settled' as const,
      () => 'settled' as const,
    ),
    timer,
  ]);
}

describe('task numbers under concurrency', () => {
  it('200 concurrent creates in one project get exactly the numbers 1..200', async () => {
    const db = test.open({ pool: { max: 10, acquireTimeoutMs: 60_000 } });
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'RACE');
    const created = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        db.transaction((session) =>
          createTask(session, world.member.actor, {
            projectId: project.id,
            title: `Race ${index}`,
          }),
        ),
      ),
    );
    const numbers = created.map((task) => task.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, index) => index + 1));
    expect(new Set(created.map((task) => task.key)).size).toBe(200);
    const stored = await test.db.read(async (session) => {
      const result = await session.raw<{ rows: Array<{ count: number; max: number }> }>(
        'select count(distinct number)::int as count, max(number) as max from tasks where project_id = ?',
        [project.id],
      );
      return result.rows[0];
    });
    expect(stored).toEqual({ count: 200, max: 200 });
    expect(db.poolStats().used).toBe(0);
  });

  it('a create holding project A does not block a create in project B; A waits its turn', async () => {
    const db = test.open({ pool: { max: 4 } });
    const projectA = await createProjectIn(test.db, world.owner, world.workspace, 'LOCKA');
    const projectB = await createProjectIn(test.db, world.owner, world.workspace, 'LOCKB');

    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let createdInA!: () => void;
    const holding = new Promise<void>((resolve) => (createdInA = resolve));
    const holder = db.transaction(async (session) => {
      const task = await createTask(session, world.owner.actor, {
        projectId: projectA.id,
        title: 'Holds the row',
      });
      createdInA();
      await gate; // the project A row stays locked until this transaction ends
      return task;
    });
    await holding;

    // Project B proceeds meanwhile.
    const inB = await db.transaction((session) =>
      createTask(session, world.member.actor, { projectId: projectB.id, title: 'Free to go' }),
    );
    expect(inB.key).toBe('LOCKB-1');

    // A second create in project A must wait for the row lock.
    const waiter = db.transaction((session) =>
      createTask(session, world.member.actor, { projectId: projectA.id, title: 'Waits' }),
    );
    expect(await stateAfter(waiter, 300)).toBe('pending');

    release();
    const [held, waited] = await Promise.all([holder, waiter]);
    expect([held.key, waited.key]).toEqual(['LOCKA-1', 'LOCKA-2']);
  });
});

describe('updateTask under concurrency', () => {
  it('of concurrent updates with the same version exactly one wins; the others get ConflictError', async () => {
    const db = test.open({ pool: { max: 10 } });
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Contended',
    });
    const writers = 10;
    const outcomes = await Promise.allSettled(
      Array.from({ length: writers }, (_, index) =>
        db.transaction((session) =>
          updateTask(session, world.member.actor, {
            id: task.id,
            version: task.version,
            title: `Writer ${index}`,
          }),
        ),
      ),
    );
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(writers - 1);
    for (const outcome of lost) expect(outcome.reason).toBeInstanceOf(ConflictError);

    const winner = won[0]!.value;
    const stored = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect(stored.version).toBe(task.version + 1);
    expect(stored.title).toBe(winner.title);
    expect(winner.version).toBe(task.version + 1);
  });

  it('a writer blocked on the row lock re-checks the version when it gets the row', async () => {
    const db = test.open({ pool: { max: 4 } });
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Locked',
    });
    // Both read version 1 before either writes; the second write then waits on the row lock.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const first = db.transaction(async (session) => {
      const updated = await updateTask(session, world.owner.actor, {
        id: task.id,
        version: 1,
        title: 'First',
      });
      wrote();
      await gate;
      return updated;
    });
    await written;
    const second = db.transaction((session) =>
      updateTask(session, world.member.actor, { id: task.id, version: 1, title: 'Second' }),
    );
    // Under READ COMMITTED the second transaction still reads version 1 (the first has not
    // committed), so it gets to its UPDATE and must wait for the row lock.
    expect(await stateAfter(second, 300)).toBe('pending');
    release();
    await expect(first).resolves.toMatchObject({ title: 'First', version: 2 });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    const page = await test.db.read((session) =>
      listTasks(session, world.owner.actor, { projectId: world.project.id, limit: 100 }),
    );
    expect(page.items.find((item) => item.id === task.id)).toMatchObject({
      title: 'First',
      version: 2,
    });
  });
});

import { randomUUID } from 'node:crypto';
import { listActivity } from '@trellis/activity';
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  type Actor,
} from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTask, taskSchema, updateTask, type Task } from '../src';
import { assertPlain, buildWorld, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

const update = (actor: Actor, input: Parameters<typeof updateTask>[2]) =>
  test.db.transaction((session) => updateTask(session, actor, input));

const newTask = () =>
  createTaskAs(test.db, world.owner, {
    projectId: world.project.id,
    title: 'Original',
    description: 'Body',
    labelIds: [world.bug.id],
  });

async function lastActivity() {
  const [entry] = await test.db.read((session) =>
    listActivity(session, { workspaceId: world.workspace.id, limit: 1 }),
  );
  return entry;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('updateTask', () => {
  it('writes the named fields, bumps the version and records the changed field names', async () => {
    const task = await newTask();
    const dueDate = new Date('2027-01-15T09:30:00.000Z');
    const updated = await update(world.member.actor, {
      id: task.id,
      version: 1,
      title: ' Renamed ',
      status: 'done',
      priority: 'urgent',
      assigneeId: world.member.user.id,
      labelIds: [world.feature.id],
      dueDate,
      description: 'Body', // unchanged: not reported
    });
    expect(taskSchema.strict().parse(updated)).toEqual(updated);
    assertPlain(updated);
    expect(updated).toEqual({
      ...task,
      title: 'Renamed',
      status: 'done',
      priority: 'urgent',
      assignee: world.member.user,
      labels: [world.feature],
      dueDate,
      version: 2,
      updatedAt: expect.any(Date),
    });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(task.updatedAt.getTime());
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    const { project: _project, comments: _comments, commentsCursor: _cursor, ...stored } = read;
    expect(stored).toEqual(updated);
    expect(await lastActivity()).toMatchObject({
      kind: 'task.updated',
      taskId: task.id,
      actor: world.member.user,
      data: {
        key: task.key,
        fields: ['title', 'status', 'priority', 'assigneeId', 'dueDate', 'labelIds'],
      },
    });
  });

  it('leaves fields it was not given alone, clears nullable fields with null', async () => {
    const task = await newTask();
    const first = await update(world.owner.actor, { id: task.id, version: 1, priority: 'low' });
    expect(first).toMatchObject({ title: 'Original', description: 'Body', labels: [world.bug] });
    const second = await update(world.owner.actor, {
      id: task.id,
      version: 2,
      description: null,
      labelIds: [],
    });
    expect(second).toMatchObject({ description: null, labels: [], priority: 'low', version: 3 });
    expect((await lastActivity())?.data).toEqual({
      key: task.key,
      fields: ['description', 'labelIds'],
    });
  });

  it('a save that changes nothing keeps the version, writes nothing and records no activity', async () => {
    const task = await newTask();
    const before = await lastActivity();
    const saved = await update(world.owner.actor, {
      id: task.id,
      version: 1,
      title: 'Original',
      labelIds: [world.bug.id],
    });
    expect(saved).toMatchObject({ title: 'Original', labels: [world.bug], version: 1 });
    expect(await lastActivity()).toEqual(before);
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect([read.version, read.updatedAt.getTime()]).toEqual([1, task.updatedAt.getTime()]);
    // The version it kept is still the one to send next time.
    await expect(
      update(world.owner.actor, { id: task.id, version: 1, title: 'Renamed' }),
    ).resolves.toMatchObject({ version: 2 });
  });

  it('a save that changes only the labels moves the version, with its activity', async () => {
    const task = await newTask();
    const saved = await update(world.owner.actor, { id: task.id, version: 1, labelIds: [] });
    expect(saved).toMatchObject({ labels: [], version: 2 });
    expect(await lastActivity()).toMatchObject({
      kind: 'task.updated',
      data: { fields: ['labelIds'] },
    });
  });

  it('a no-op save with a stale version is ConflictError', async () => {
    const task = await newTask();
    await update(world.owner.actor, { id: task.id, version: 1, title: 'First writer' });
    const error = await rejection(
      update(world.member.actor, { id: task.id, version: 1, labelIds: [world.bug.id] }),
    );
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('a stale version is ConflictError and changes nothing', async () => {
    const task = await newTask();
    await update(world.owner.actor, { id: task.id, version: 1, title: 'First writer' });
    const error = await rejection(
      update(world.member.actor, { id: task.id, version: 1, title: 'Second writer' }),
    );
    expect(error).toBeInstanceOf(ConflictError);
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect([read.title, read.version]).toEqual(['First writer', 2]);
  });

  it('checks role and tenant: viewer ForbiddenError, outsider and unknown id NotFoundError', async () => {
    const task = await newTask();
    expect(
      await rejection(update(world.viewer.actor, { id: task.id, version: 1, title: 'V' })),
    ).toBeInstanceOf(ForbiddenError);
    const outsider = await rejection(
      update(world.outsider.actor, { id: task.id, version: 1, title: 'O' }),
    );
    expect(outsider).toBeInstanceOf(NotFoundError);
    expect((outsider as NotFoundError).entity).toBe('Task');
    expect(
      await rejection(update(world.owner.actor, { id: randomUUID(), version: 1, title: 'U' })),
    ).toBeInstanceOf(NotFoundError);
  });

  it('rejects an assignee outside the workspace and labels of another workspace', async () => {
    const task: Task = await newTask();
    const assignee = await rejection(
      update(world.owner.actor, { id: task.id, version: 1, assigneeId: world.outsider.user.id }),
    );
    expect(assignee).toBeInstanceOf(InvalidInputError);
    expect((assignee as InvalidInputError).path).toEqual(['assigneeId']);
    const labels = await rejection(
      update(world.owner.actor, { id: task.id, version: 1, labelIds: [world.otherLabel.id] }),
    );
    expect(labels).toBeInstanceOf(InvalidInputError);
    expect((labels as InvalidInputError).path).toEqual(['labelIds']);
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect([read.version, read.assignee, read.labels]).toEqual([1, null, [world.bug]]);
  });

  it('never writes a column it does not name, whatever the input object carries', async () => {
    const task = await newTask();
    const error = await rejection(
      update(world.owner.actor, {
        id: task.id,
        version: 1,
        title: 'Sneaky',
        number: 999,
        reporterId: world.outsider.user.id,
        projectId: world.otherProject.id,
      } as never),
    );
    expect(error).toBeInstanceOf(Error);
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect([read.number, read.reporter, read.projectId, read.title]).toEqual([
      task.number,
      world.owner.user,
      world.project.id,
      'Original',
    ]);
  });
});

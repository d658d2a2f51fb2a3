import { randomUUID } from 'node:crypto';
import { listActivity } from '@trellis/activity';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTask, getTask, taskSchema } from '../src';
import { assertPlain, buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createTask', () => {
  it('creates a task with defaults, the actor as reporter and key ENG-1', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'NEW');
    const task = await createTaskAs(test.db, world.member, {
      projectId: project.id,
      title: '  Write the docs  ',
    });
    expect(taskSchema.strict().parse(task)).toEqual(task);
    expect(task).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      projectId: project.id,
      number: 1,
      key: 'NEW-1',
      title: 'Write the docs',
      description: null,
      status: 'todo',
      priority: 'none',
      dueDate: null,
      version: 1,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
      assignee: null,
      reporter: world.member.user,
      labels: [],
    });
    assertPlain(task);
    const second = await createTaskAs(test.db, world.owner, {
      projectId: project.id,
      title: 'Two',
    });
    expect([second.number, second.key]).toEqual([2, 'NEW-2']);
  });

  it('stores every field: assignee, labels, due date, status, priority, description', async () => {
    const dueDate = new Date('2026-12-24T17:00:00.000Z');
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Ship it',
      description: 'All of it',
      status: 'in_progress',
      priority: 'high',
      assigneeId: world.viewer.user.id,
      labelIds: [world.feature.id, world.bug.id],
      dueDate,
    });
    expect(task).toMatchObject({
      description: 'All of it',
      status: 'in_progress',
      priority: 'high',
      dueDate,
      assignee: world.viewer.user,
      reporter: world.owner.user,
      labels: [world.bug, world.feature],
    });
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    const { project: _project, comments: _comments, commentsCursor: _cursor, ...stored } = read;
    expect(stored).toEqual(task);
  });

  it('records task.created with the key and title in the same transaction', async () => {
    const task = await createTaskAs(test.db, world.member, {
      projectId: world.project.id,
      title: 'Audited',
    });
    const entries = await test.db.read((session) =>
      listActivity(session, { workspaceId: world.workspace.id, limit: 5 }),
    );
    expect(entries[0]).toMatchObject({
      kind: 'task.created',
      taskId: task.id,
      actor: world.member.user,
      data: { key: task.key, title: 'Audited' },
    });
  });

  it('a viewer may not create (ForbiddenError); a non-member learns nothing (NotFoundError)', async () => {
    const asViewer = await rejection(
      createTaskAs(test.db, world.viewer, { projectId: world.project.id, title: 'No' }),
    );
    expect(asViewer).toBeInstanceOf(ForbiddenError);
    const asOutsider = await rejection(
      createTaskAs(test.db, world.outsider, { projectId: world.project.id, title: 'No' }),
    );
    expect(asOutsider).toBeInstanceOf(NotFoundError);
    expect((asOutsider as NotFoundError).entity).toBe('Project');
    const unknown = await rejection(
      createTaskAs(test.db, world.owner, { projectId: randomUUID(), title: 'No' }),
    );
    expect(unknown).toBeInstanceOf(NotFoundError);
  });

  it('rejects an assignee who is not a member of the workspace', async () => {
    for (const assigneeId of [world.outsider.user.id, randomUUID()]) {
      const error = await rejection(
        createTaskAs(test.db, world.owner, { projectId: world.project.id, title: 'X', assigneeId }),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).path).toEqual(['assigneeId']);
    }
  });

  it('rejects a label of another workspace or an unknown label', async () => {
    for (const labelIds of [[world.otherLabel.id], [world.bug.id, randomUUID()]]) {
      const error = await rejection(
        createTaskAs(test.db, world.owner, { projectId: world.project.id, title: 'X', labelIds }),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).path).toEqual(['labelIds']);
    }
  });

  it('with both a bad assignee and a bad label, the assignee is named (they are checked in that order, though read together)', async () => {
    const error = await rejection(
      createTaskAs(test.db, world.owner, {
        projectId: world.project.id,
        title: 'X',
        assigneeId: world.outsider.user.id,
        labelIds: [world.otherLabel.id],
      }),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).path).toEqual(['assigneeId']);
  });

  it('a rejected create leaves no task behind and gives its number to the next one', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'GAP');
    await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'One' });
    await expect(
      createTaskAs(test.db, world.owner, {
        projectId: project.id,
        title: 'Bad label',
        labelIds: [world.otherLabel.id],
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      test.db.transaction(async (session) => {
        await createTask(session, world.owner.actor, { projectId: project.id, title: 'Undone' });
        throw new Error('caller fails after the create');
      }),
    ).rejects.toThrow('caller fails');
    const next = await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'Two' });
    expect(next.key).toBe('GAP-2');
  });

  it('validates its input itself (extra keys are refused)', async () => {
    await expect(
      test.db.transaction((session) =>
        createTask(session, world.owner.actor, {
          projectId: world.project.id,
          title: 'X',
          number: 99,
        } as never),
      ),
    ).rejects.toThrow(/number/);
  });
});

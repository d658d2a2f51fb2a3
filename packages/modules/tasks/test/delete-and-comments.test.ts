import { randomUUID } from 'node:crypto';
import { listActivity } from '@trellis/activity';
import { ForbiddenError, NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { addComment, commentSchema, deleteTask, getTask } from '../src';
import { assertPlain, buildWorld, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

const rowCount = async (sql: string, bindings: string[]) =>
  test.db.read(async (session) => {
    const result = await session.raw<{ rows: Array<{ count: number }> }>(sql, bindings);
    return result.rows[0]!.count;
  });

describe('addComment', () => {
  it('adds a comment as the actor and records comment.added', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Discuss',
    });
    const comment = await test.db.transaction((session) =>
      addComment(session, world.member.actor, { taskId: task.id, body: '  Looks good  ' }),
    );
    expect(commentSchema.strict().parse(comment)).toEqual(comment);
    assertPlain(comment);
    expect(comment).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      body: 'Looks good',
      createdAt: expect.any(Date),
      author: world.member.user,
    });
    const [entry] = await test.db.read((session) =>
      listActivity(session, { workspaceId: world.workspace.id, limit: 1 }),
    );
    expect(entry).toMatchObject({
      kind: 'comment.added',
      taskId: task.id,
      actor: world.member.user,
      data: { key: task.key, commentId: comment.id },
    });
  });

  it('a viewer may not comment; an outsider or an unknown task is NotFoundError', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Quiet',
    });
    const comment = (actor: { userId: string }, taskId: string) =>
      test.db.transaction((session) => addComment(session, actor, { taskId, body: 'hi' }));
    await expect(comment(world.viewer.actor, task.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(comment(world.outsider.actor, task.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(comment(world.owner.actor, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('deleteTask', () => {
  it('removes the task with its comments and label links, and records task.deleted', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Doomed',
      labelIds: [world.bug.id, world.feature.id],
    });
    await test.db.transaction((session) =>
      addComment(session, world.owner.actor, { taskId: task.id, body: 'bye' }),
    );
    expect(
      await rowCount('select count(*)::int as count from task_labels where task_id = ?', [task.id]),
    ).toBe(2);

    await test.db.transaction((session) =>
      deleteTask(session, world.member.actor, { id: task.id }),
    );

    await expect(
      test.db.read((session) => getTask(session, world.owner.actor, { id: task.id })),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(
      await rowCount('select count(*)::int as count from comments where task_id = ?', [task.id]),
    ).toBe(0);
    expect(
      await rowCount('select count(*)::int as count from task_labels where task_id = ?', [task.id]),
    ).toBe(0);
    const [entry] = await test.db.read((session) =>
      listActivity(session, { workspaceId: world.workspace.id, limit: 1 }),
    );
    expect(entry).toMatchObject({ kind: 'task.deleted', taskId: task.id, data: { key: task.key } });
    // The labels themselves survive.
    expect(
      await rowCount('select count(*)::int as count from labels where id = ?', [world.bug.id]),
    ).toBe(1);
  });

  it('a viewer may not delete; an outsider gets NotFoundError and the task stays', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Sturdy',
    });
    const remove = (actor: { userId: string }) =>
      test.db.transaction((session) => deleteTask(session, actor, { id: task.id }));
    await expect(remove(world.viewer.actor)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(remove(world.outsider.actor)).rejects.toBeInstanceOf(NotFoundError);
    const read = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    expect(read.id).toBe(task.id);
  });
});

import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { addComment, getTask, taskDetailSchema, type Task } from '../src';
import { assertPlain, buildWorld, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;
let task: Task;

beforeAll(async () => {
  world = await buildWorld(test.db);
  task = await createTaskAs(test.db, world.owner, {
    projectId: world.project.id,
    title: 'Detailed',
    assigneeId: world.member.user.id,
    labelIds: [world.bug.id],
  });
});

describe('getTask', () => {
  it('returns the task with its project and its comments oldest first, to a viewer too', async () => {
    for (const [person, body] of [
      [world.owner, 'first'],
      [world.member, 'second'],
      [world.owner, 'third'],
    ] as const) {
      await test.db.transaction((session) =>
        addComment(session, person.actor, { taskId: task.id, body }),
      );
    }
    const detail = await test.db.read((session) =>
      getTask(session, world.viewer.actor, { id: task.id }),
    );
    expect(taskDetailSchema.strict().parse(detail)).toEqual(detail);
    assertPlain(detail);
    expect(detail).toMatchObject({
      ...task,
      project: { id: world.project.id, key: 'ENG', name: 'Engineering' },
    });
    expect(detail.comments.map((comment) => [comment.body, comment.author])).toEqual([
      ['first', world.owner.user],
      ['second', world.member.user],
      ['third', world.owner.user],
    ]);
    expect(Object.keys(detail.assignee!)).toEqual(['id', 'email', 'name']);
    expect(JSON.stringify(detail)).not.toMatch(/password|scrypt/i);
  });

  it('a non-member and an unknown id both get NotFoundError(Task)', async () => {
    for (const [actor, id] of [
      [world.outsider.actor, task.id],
      [world.owner.actor, randomUUID()],
    ] as const) {
      const error = await test.db
        .read((session) => getTask(session, actor, { id }))
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).entity).toBe('Task');
    }
  });
});

import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { ForbiddenError, InvalidInputError, NotFoundError } from '@trellis/kernel';
import { listActivity } from '@trellis/activity';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTask, importTasks, listTasks } from '../src';
import { buildWorld, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

function taskRows(count: number, extra: (index: number) => object = () => ({})) {
  return Array.from({ length: count }, (_, index) => ({
    title: `Imported ${index + 1}`,
    ...extra(index),
  }));
}

describe('importTasks', () => {
  beforeAll(async () => {
    world = await buildWorld(test.db);
  });

  it('imports tasks with labels and comments, continuing the numbers without gaps', async () => {
    await createTaskAs(test.db, world.member, {
      projectId: world.project.id,
      title: 'before the import',
    });
    const result = await test.db.transaction((session) =>
      importTasks(session, world.member.actor, {
        projectId: world.project.id,
        tasks: taskRows(300, (index) => ({
          assigneeId: index % 2 ? world.member.user.id : null,
          labelIds: index % 3 ? [world.bug.id, world.feature.id] : [],
          comments:
            index % 5 ? [] : [{ authorId: world.owner.user.id, body: `note on ${index + 1}` }],
          status: index % 4 ? 'todo' : 'done',
        })),
      }),
    );
    expect(result).toEqual({ imported: 300, firstNumber: 2, lastNumber: 301, comments: 60 });

    const after = await createTaskAs(test.db, world.member, {
      projectId: world.project.id,
      title: 'after',
    });
    expect(after.number).toBe(302);

    const byNumber = async (number: number) => {
      const { rows } = await test.db.knex.raw<{ rows: Array<{ id: string }> }>(
        'select id from tasks where project_id = ? and number = ?',
        [world.project.id, number],
      );
      return test.db.read((session) => getTask(session, world.viewer.actor, { id: rows[0]!.id }));
    };
    const sixth = await byNumber(2 + 5);
    expect(sixth.title).toBe('Imported 6');
    expect(sixth.key).toBe('ENG-7');
    expect(sixth.assignee?.id).toBe(world.member.user.id);
    expect(sixth.labels.map((label) => label.name).sort()).toEqual(['bug', 'feature']);
    expect((await byNumber(2 + 250)).comments.map((comment) => comment.body)).toEqual([
      'note on 251',
    ]);

    const activity = await test.db.read((session) =>
      listActivity(session, { workspaceId: world.workspace.id, limit: 100 }),
    );
    expect(activity.filter((entry) => entry.kind === 'task.created').length).toBe(100);
    const { rows } = await test.db.knex.raw<{ rows: Array<{ count: number }> }>(
      "select count(*)::int as count from activity where kind = 'task.created' and workspace_id = ?",
      [world.workspace.id],
    );
    expect(rows[0]?.count).toBe(302);
  });

  it('runs the same number of queries for 10 and for 1,000 tasks', async () => {
    const rows = (count: number) =>
      taskRows(count, (index) => ({
        labelIds: [world.bug.id],
        comments: [{ authorId: world.member.user.id, body: `c${index}` }],
      }));
    const small = await countQueries(() =>
      test.db.transaction((session) =>
        importTasks(session, world.owner.actor, { projectId: world.project.id, tasks: rows(10) }),
      ),
    );
    const large = await countQueries(() =>
      test.db.transaction((session) =>
        importTasks(session, world.owner.actor, {
          projectId: world.project.id,
          tasks: rows(1_000),
        }),
      ),
    );
    expect(large.queries).toBe(small.queries);
    expect(large.result.imported).toBe(1_000);
  });

  it('applies the rules of createTask and leaves nothing behind when one row breaks them', async () => {
    const before = await test.db.read((session) =>
      listTasks(session, world.owner.actor, { projectId: world.project.id, limit: 1 }),
    );
    const attempt = (actor: World['owner'], tasks: object[]) =>
      test.db.transaction((session) =>
        importTasks(session, actor.actor, { projectId: world.project.id, tasks } as never),
      );
    await expect(attempt(world.viewer, taskRows(2))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(attempt(world.outsider, taskRows(2))).rejects.toBeInstanceOf(NotFoundError);
    const badAssignee = await attempt(
      world.member,
      taskRows(3, (index) => (index === 2 ? { assigneeId: world.outsider.user.id } : {})),
    ).catch((error: unknown) => error);
    expect(badAssignee).toBeInstanceOf(InvalidInputError);
    expect((badAssignee as InvalidInputError).path).toEqual(['tasks', 2, 'assigneeId']);
    await expect(
      attempt(
        world.member,
        taskRows(1, () => ({ labelIds: [world.otherLabel.id] })),
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(
      attempt(
        world.member,
        taskRows(1, () => ({ comments: [{ authorId: world.outsider.user.id, body: 'x' }] })),
      ),
    ).rejects.toBeInstanceOf(InvalidInputError);
    await expect(attempt(world.member, [])).rejects.toThrow();
    await expect(attempt(world.member, taskRows(1_001))).rejects.toThrow();

    const after = await test.db.read((session) =>
      listTasks(session, world.owner.actor, { projectId: world.project.id, limit: 1 }),
    );
    expect(after.items[0]?.number).toBe(before.items[0]?.number);
    const next = await createTaskAs(test.db, world.member, {
      projectId: world.project.id,
      title: 'next',
    });
    expect(next.number).toBe((before.items[0]?.number ?? 0) + 1);
  });
});

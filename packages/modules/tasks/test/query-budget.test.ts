import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addComment,
  createTask,
  deleteTask,
  getTask,
  listTasks,
  updateTask,
  type Task,
} from '../src';
import { buildWorld, createLabelIn, createProjectIn, createTaskAs, type World } from './fixtures';

/**
 * The budget is 8 queries per procedure with the API's authentication query on top,
 * so 7 for the service, and the same count however many rows are involved (no N+1).
 */
const SERVICE_BUDGET = 7;

const test = useTestDatabase();
let world: World;
let labelIds: string[];

beforeAll(async () => {
  world = await buildWorld(test.db);
  const extra = await createLabelIn(test.db, world.owner, world.workspace, 'docs');
  labelIds = [world.bug.id, world.feature.id, extra.id];
});

/** `count` tasks, each with an assignee, three labels and `commentsEach` comments (or bare). */
async function seed(
  projectId: string,
  count: number,
  commentsEach: number,
  bare = false,
): Promise<Task[]> {
  const tasks: Task[] = [];
  for (let index = 0; index < count; index += 1) {
    const task = await test.db.transaction(async (session) => {
      const created = await createTask(session, world.owner.actor, {
        projectId,
        title: `Task ${index}`,
        assigneeId: bare ? null : index % 2 === 0 ? world.member.user.id : world.owner.user.id,
        labelIds: bare ? [] : labelIds,
      });
      for (let comment = 0; comment < commentsEach; comment += 1) {
        await addComment(session, world.member.actor, { taskId: created.id, body: `c${comment}` });
      }
      return created;
    });
    tasks.push(task);
  }
  return tasks;
}

const measure = <T>(fn: () => Promise<T>) => countQueries(fn);

describe('query budget', () => {
  it('listTasks costs the same for a page of 1 and a page of 100 tasks', async () => {
    const small = await createProjectIn(test.db, world.owner, world.workspace, 'ONE');
    const large = await createProjectIn(test.db, world.owner, world.workspace, 'HUNDRED');
    // The single task is bare (no assignee, labels or comments): still the same count.
    await seed(small.id, 1, 0, true);
    await seed(large.id, 100, 2);

    const one = await measure(() =>
      test.db.read((session) => listTasks(session, world.viewer.actor, { projectId: small.id })),
    );
    const hundred = await measure(() =>
      test.db.read((session) =>
        listTasks(session, world.viewer.actor, { projectId: large.id, limit: 100 }),
      ),
    );
    expect(one.result.items).toHaveLength(1);
    expect(one.result.items[0]).toMatchObject({ assignee: null, labels: [], commentCount: 0 });
    expect(hundred.result.items).toHaveLength(100);
    expect(hundred.result.items.every((item) => item.labels.length === 3)).toBe(true);
    expect(hundred.result.items.every((item) => item.commentCount === 2)).toBe(true);
    expect(hundred.queries).toBe(one.queries);
    expect(one.queries).toBe(2);
    expect(one.queries).toBeLessThanOrEqual(SERVICE_BUDGET);

    // Filters and the cursor are part of the same one query.
    const firstPage = await test.db.read((session) =>
      listTasks(session, world.viewer.actor, { projectId: large.id, limit: 40 }),
    );
    const filtered = await measure(() =>
      test.db.read((session) =>
        listTasks(session, world.viewer.actor, {
          projectId: large.id,
          limit: 10,
          cursor: firstPage.nextCursor,
          labelId: world.bug.id,
          assigneeId: world.member.user.id,
          status: 'todo',
          search: 'task',
        }),
      ),
    );
    expect(filtered.result.items).toHaveLength(10);
    expect(filtered.result.items[0]!.number).toBe(59);
    expect(filtered.queries).toBe(one.queries);
  });

  it('getTask costs the same with 0 and with 50 comments (it carries the first 20) (and with or without assignee and labels)', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'GET');
    const [quiet] = await seed(project.id, 1, 0, true);
    const [busy] = await seed(project.id, 1, 50);
    const none = await measure(() =>
      test.db.read((session) => getTask(session, world.viewer.actor, { id: quiet!.id })),
    );
    const fifty = await measure(() =>
      test.db.read((session) => getTask(session, world.viewer.actor, { id: busy!.id })),
    );
    expect(none.result.comments).toHaveLength(0);
    // The first page only (COMMENTS_FIRST_PAGE), with a cursor for the rest.
    expect(fifty.result.comments).toHaveLength(20);
    expect(fifty.result.commentsCursor).toEqual(expect.any(String));
    expect(fifty.result.comments.map((comment) => comment.body).slice(0, 3)).toEqual([
      'c0',
      'c1',
      'c2',
    ]);
    expect(fifty.queries).toBe(none.queries);
    expect(none.queries).toBe(1);
    expect(none.queries).toBeLessThanOrEqual(SERVICE_BUDGET);
  });

  it('createTask and updateTask stay within the budget with every field set', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'WRITE');
    const minimal = await measure(() =>
      test.db.transaction((session) =>
        createTask(session, world.member.actor, { projectId: project.id, title: 'Bare' }),
      ),
    );
    const full = await measure(() =>
      test.db.transaction((session) =>
        createTask(session, world.member.actor, {
          projectId: project.id,
          title: 'Full',
          description: 'All fields',
          status: 'in_progress',
          priority: 'high',
          assigneeId: world.owner.user.id,
          labelIds,
          dueDate: new Date('2027-03-01T00:00:00Z'),
        }),
      ),
    );
    expect(minimal.queries).toBe(5);
    expect(full.queries).toBe(7);
    expect(full.queries).toBeLessThanOrEqual(SERVICE_BUDGET);

    const updateAll = await measure(() =>
      test.db.transaction((session) =>
        updateTask(session, world.member.actor, {
          id: full.result.id,
          version: full.result.version,
          title: 'Changed',
          description: null,
          status: 'done',
          priority: 'low',
          assigneeId: world.member.user.id,
          labelIds: [world.bug.id],
          dueDate: null,
        }),
      ),
    );
    const updateTitle = await measure(() =>
      test.db.transaction((session) =>
        updateTask(session, world.member.actor, {
          id: full.result.id,
          version: updateAll.result.version,
          title: 'Changed again',
        }),
      ),
    );
    expect(updateAll.result.labels).toEqual([world.bug]);
    expect(updateTitle.result.labels).toEqual([world.bug]);
    expect(updateAll.queries).toBe(6);
    expect(updateTitle.queries).toBe(4);
    expect(updateAll.queries).toBeLessThanOrEqual(SERVICE_BUDGET);
  });

  it('deleteTask and addComment are small and fixed', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Short-lived',
      labelIds,
    });
    const comment = await measure(() =>
      test.db.transaction((session) =>
        addComment(session, world.owner.actor, { taskId: task.id, body: 'Measured' }),
      ),
    );
    expect(comment.queries).toBe(4);
    const removal = await measure(() =>
      test.db.transaction((session) => deleteTask(session, world.owner.actor, { id: task.id })),
    );
    expect(removal.queries).toBe(3);
  });
});

import { randomUUID } from 'node:crypto';
import { NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addComment,
  COMMENTS_FIRST_PAGE,
  getTask,
  listComments,
  listTasks,
  MAX_PAGE_TEXT,
  type Task,
} from '../src';
import { buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;
let task: Task;
const COMMENTS = 45;

beforeAll(async () => {
  world = await buildWorld(test.db);
  task = await createTaskAs(test.db, world.owner, { projectId: world.project.id, title: 'Talky' });
  await test.db.transaction(async (session) => {
    for (let n = 0; n < COMMENTS; n += 1) {
      await addComment(session, world.member.actor, { taskId: task.id, body: `comment ${n}` });
    }
  });
});

describe('paged comments', () => {
  it('getTask carries the first page; listComments pages the rest from its cursor, each once, in order', async () => {
    const detail = await test.db.read((session) =>
      getTask(session, world.viewer.actor, { id: task.id }),
    );
    expect(detail.comments).toHaveLength(COMMENTS_FIRST_PAGE);
    expect(detail.commentsCursor).toEqual(expect.any(String));
    const bodies = detail.comments.map((comment) => comment.body);
    let cursor: string | null = detail.commentsCursor;
    while (cursor) {
      const page = await test.db.read((session) =>
        listComments(session, world.viewer.actor, { taskId: task.id, cursor, limit: 10 }),
      );
      expect(page.items.length).toBeLessThanOrEqual(10);
      bodies.push(...page.items.map((comment) => comment.body));
      cursor = page.nextCursor;
    }
    expect(bodies).toEqual(Array.from({ length: COMMENTS }, (_, n) => `comment ${n}`));

    // From the start, without a cursor.
    const first = await test.db.read((session) =>
      listComments(session, world.viewer.actor, { taskId: task.id, limit: 100 }),
    );
    expect(first.items).toHaveLength(COMMENTS);
    expect(first.nextCursor).toBeNull();
  });

  it('a task with few comments gets them all and no cursor', async () => {
    const quiet = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Quiet',
    });
    await test.db.transaction((session) =>
      addComment(session, world.owner.actor, { taskId: quiet.id, body: 'only one' }),
    );
    const detail = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: quiet.id }),
    );
    expect(detail.comments.map((comment) => comment.body)).toEqual(['only one']);
    expect(detail.commentsCursor).toBeNull();
  });

  it("a non-member gets NotFoundError(Task); another task's or a forged cursor gives nothing of it", async () => {
    const error = await test.db
      .read((session) => listComments(session, world.outsider.actor, { taskId: task.id }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    const other = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Other',
    });
    const detail = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: task.id }),
    );
    const foreign = await test.db.read((session) =>
      listComments(session, world.owner.actor, {
        taskId: other.id,
        cursor: detail.commentsCursor,
      }),
    );
    expect(foreign.items).toEqual([]);
    const forged = await test.db
      .read((session) =>
        listComments(session, world.owner.actor, { taskId: task.id, cursor: 'bm90LWEtY3Vyc29y' }),
      )
      .catch((caught: unknown) => caught);
    expect(forged).toMatchObject({ code: 'BAD_REQUEST', path: ['cursor'] });
    expect(
      (
        await test.db.read((session) =>
          listComments(session, world.owner.actor, {
            taskId: task.id,
            cursor: Buffer.from(`c:${randomUUID()}`).toString('base64url'),
          }),
        )
      ).items,
    ).toEqual([]);
  });
});

describe('pages are cut by size', () => {
  it('comments of the maximum length: a page carries at most MAX_PAGE_TEXT characters, and the cursor continues', async () => {
    const long = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Long',
    });
    await test.db.transaction(async (session) => {
      for (let n = 0; n < 30; n += 1) {
        await addComment(session, world.owner.actor, {
          taskId: long.id,
          body: `${n}`.padEnd(10_000, 'x'),
        });
      }
    });
    const detail = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: long.id }),
    );
    const text = (bodies: Array<{ body: string }>) =>
      bodies.reduce((sum, comment) => sum + comment.body.length, 0);
    expect(text(detail.comments)).toBeLessThanOrEqual(MAX_PAGE_TEXT);
    expect(detail.comments.length).toBeLessThan(COMMENTS_FIRST_PAGE);
    let cursor = detail.commentsCursor;
    let seen = detail.comments.length;
    while (cursor) {
      const page = await test.db.read((session) =>
        listComments(session, world.owner.actor, { taskId: long.id, cursor, limit: 100 }),
      );
      expect(text(page.items)).toBeLessThanOrEqual(MAX_PAGE_TEXT);
      seen += page.items.length;
      cursor = page.nextCursor;
    }
    expect(seen).toBe(30);
  });

  it('tasks with 20,000-character descriptions: a page of limit 100 is cut by size and the cursor continues', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'BULK');
    for (let n = 0; n < 15; n += 1) {
      await createTaskAs(test.db, world.owner, {
        projectId: project.id,
        title: `Big ${n}`,
        description: 'd'.repeat(20_000),
      });
    }
    const numbers: number[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await test.db.read((session) =>
        listTasks(session, world.owner.actor, { projectId: project.id, limit: 100, cursor }),
      );
      const text = page.items.reduce(
        (sum, item) => sum + item.title.length + (item.description?.length ?? 0),
        0,
      );
      expect(text).toBeLessThanOrEqual(MAX_PAGE_TEXT);
      expect(page.items.length).toBeGreaterThan(0);
      numbers.push(...page.items.map((item) => item.number));
      cursor = page.nextCursor;
    } while (cursor);
    expect(numbers).toEqual(Array.from({ length: 15 }, (_, n) => 15 - n));
  });
});

import { randomUUID } from 'node:crypto';
import { InvalidInputError, NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { addComment, listTasks, taskPageSchema, type Task } from '../src';
import { assertPlain, buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;
let tasks: Task[];

type ListInput = Parameters<typeof listTasks>[2];

const list = (input: ListInput, actor = world.viewer.actor) =>
  test.db.read((session) => listTasks(session, actor, input));

const keys = (page: { items: Array<{ key: string }> }) => page.items.map((item) => item.key);

beforeAll(async () => {
  world = await buildWorld(test.db);
  const specs: Array<{
    title: string;
    status: 'todo' | 'backlog' | 'done' | 'in_progress';
    assigneeId?: string;
    labelIds?: string[];
  }> = [
    {
      title: 'Login page crashes',
      status: 'todo',
      assigneeId: world.member.user.id,
      labelIds: [world.bug.id],
    },
    { title: 'Dark mode', status: 'backlog', labelIds: [world.feature.id] },
    {
      title: 'Crash on logout',
      status: 'done',
      assigneeId: world.member.user.id,
      labelIds: [world.bug.id, world.feature.id],
    },
    { title: 'Write release notes', status: 'in_progress', assigneeId: world.owner.user.id },
    { title: 'Login with SSO', status: 'todo' },
  ];
  tasks = [];
  for (const spec of specs) {
    tasks.push(
      await createTaskAs(test.db, world.owner, {
        projectId: world.project.id,
        ...spec,
      }),
    );
  }
  for (const body of ['a', 'b', 'c']) {
    await test.db.transaction((session) =>
      addComment(session, world.member.actor, { taskId: tasks[2]!.id, body }),
    );
  }
});

describe('listTasks', () => {
  it('lists newest first with comment counts, to any member', async () => {
    const page = await list({ projectId: world.project.id });
    expect(taskPageSchema.parse(page)).toEqual(page);
    assertPlain(page);
    expect(keys(page)).toEqual(['ENG-5', 'ENG-4', 'ENG-3', 'ENG-2', 'ENG-1']);
    expect(page.items.map((item) => item.commentCount)).toEqual([0, 0, 3, 0, 0]);
    expect(page.nextCursor).toBeNull();
    const { commentCount, ...third } = page.items[2]!;
    expect(commentCount).toBe(3);
    expect(third).toEqual(tasks[2]);
  });

  it('filters by status, assignee (or unassigned), label and title words', async () => {
    const projectId = world.project.id;
    expect(keys(await list({ projectId, status: 'todo' }))).toEqual(['ENG-5', 'ENG-1']);
    expect(keys(await list({ projectId, assigneeId: world.member.user.id }))).toEqual([
      'ENG-3',
      'ENG-1',
    ]);
    expect(keys(await list({ projectId, assigneeId: null }))).toEqual(['ENG-5', 'ENG-2']);
    expect(keys(await list({ projectId, labelId: world.bug.id }))).toEqual(['ENG-3', 'ENG-1']);
    expect(keys(await list({ projectId, search: 'login' }))).toEqual(['ENG-5', 'ENG-1']);
    // Whole words, any case ('simple' configuration: no stemming, so 'crashes' is another word).
    expect(keys(await list({ projectId, search: 'CRASH' }))).toEqual(['ENG-3']);
    expect(keys(await list({ projectId, search: 'crashes' }))).toEqual(['ENG-1']);
    expect(keys(await list({ projectId, search: 'crash logout' }))).toEqual(['ENG-3']);
    expect(keys(await list({ projectId, search: 'nothing-like-it' }))).toEqual([]);
    expect(
      keys(await list({ projectId, labelId: world.feature.id, status: 'done', search: 'crash' })),
    ).toEqual(['ENG-3']);
  });

  it('paginates by keyset and stays correct while tasks are added', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'PAGE');
    for (let index = 1; index <= 7; index += 1) {
      await createTaskAs(test.db, world.owner, { projectId: project.id, title: `Task ${index}` });
    }
    const first = await list({ projectId: project.id, limit: 3 });
    expect(keys(first)).toEqual(['PAGE-7', 'PAGE-6', 'PAGE-5']);
    expect(first.nextCursor).toEqual(expect.any(String));
    // New tasks arrive between pages: the next page neither repeats nor skips anything.
    await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'Late 1' });
    await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'Late 2' });
    const second = await list({ projectId: project.id, limit: 3, cursor: first.nextCursor });
    expect(keys(second)).toEqual(['PAGE-4', 'PAGE-3', 'PAGE-2']);
    const third = await list({ projectId: project.id, limit: 3, cursor: second.nextCursor });
    expect(keys(third)).toEqual(['PAGE-1']);
    expect(third.nextCursor).toBeNull();
    const exact = await list({ projectId: project.id, limit: 9 });
    expect(exact.items).toHaveLength(9);
    expect(exact.nextCursor).toBeNull();
  });

  it('pages through a search whether its matches are many or fewer than a page', async () => {
    // A search reads its page one of two ways (task-page-query.ts): by walking the project
    // when at least a page and one more match, else by fetching all its matches at once. The
    // pages below cross from the first way to the second and must still join up exactly.
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'FIND');
    for (let index = 1; index <= 9; index += 1) {
      await createTaskAs(test.db, world.owner, {
        projectId: project.id,
        title: index % 2 === 1 ? `Needle ${index}` : `Hay ${index}`,
        status: index <= 5 ? 'todo' : 'done',
      });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ projectId: project.id, search: 'needle', limit: 2, cursor });
      seen.push(...keys(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['FIND-9', 'FIND-7', 'FIND-5', 'FIND-3', 'FIND-1']);
    expect(keys(await list({ projectId: project.id, search: 'needle', limit: 5 }))).toEqual(seen);
    const few = await list({ projectId: project.id, search: 'needle', status: 'todo', limit: 2 });
    expect(keys(few)).toEqual(['FIND-5', 'FIND-3']);
    expect(
      keys(
        await list({
          projectId: project.id,
          search: 'needle',
          status: 'todo',
          limit: 2,
          cursor: few.nextCursor,
        }),
      ),
    ).toEqual(['FIND-1']);
    expect(keys(await list({ projectId: project.id, search: 'thread' }))).toEqual([]);
  });

  it('a malformed cursor is InvalidInputError on ["cursor"]', async () => {
    for (const cursor of ['not-a-cursor', 'bjow', '!!']) {
      const error = await list({ projectId: world.project.id, cursor }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).path).toEqual(['cursor']);
    }
  });

  it('a non-member or an unknown project gets NotFoundError', async () => {
    await expect(
      list({ projectId: world.project.id }, world.outsider.actor),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(list({ projectId: randomUUID() }, world.owner.actor)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // The outsider's own project lists only the outsider's tasks.
    expect(keys(await list({ projectId: world.otherProject.id }, world.outsider.actor))).toEqual(
      [],
    );
  });
});

describe('how page statements are planned', () => {
  /** The statements prepared on the connection, after one page was read on it. */
  const preparedAfter = (input: ListInput) =>
    test.db.read(async (session) => {
      await listTasks(session, world.viewer.actor, input);
      const rows = await session.query<{ statement: string }>(
        'select statement from pg_prepared_statements',
      );
      return rows.map((row) => row.statement).filter((text) => text.includes('"commentCount"'));
    });

  it('a page by project, cursor, status or assignee is prepared; a search or a label filter runs unnamed, planned with its values', async () => {
    const plain = await preparedAfter({ projectId: world.project.id, status: 'todo' });
    expect(plain.some((text) => text.includes('tasks.status = $'))).toBe(true);
    const searched = await preparedAfter({ projectId: world.project.id, search: 'crash' });
    expect(searched.some((text) => text.includes('plainto_tsquery'))).toBe(false);
    const labelled = await preparedAfter({ projectId: world.project.id, labelId: world.bug.id });
    expect(labelled.some((text) => text.includes('task_labels.label_id = $'))).toBe(false);
  });
});

import { randomUUID } from 'node:crypto';
import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { countOpenTasks, deleteTask, importTasks, updateTask } from '../src';
import { buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

describe('countOpenTasks', () => {
  it('counts tasks not done or canceled, per project, in one query', async () => {
    const empty = await createProjectIn(test.db, world.owner, world.workspace, 'EMPTY');
    const statuses = ['backlog', 'todo', 'in_progress', 'done', 'canceled', 'todo'] as const;
    for (const status of statuses) {
      await createTaskAs(test.db, world.owner, {
        projectId: world.project.id,
        title: status,
        status,
      });
    }
    await createTaskAs(test.db, world.outsider, {
      projectId: world.otherProject.id,
      title: 'elsewhere',
      status: 'done',
    });
    const missing = randomUUID();
    const { result, queries } = await countQueries(() =>
      test.db.read((session) =>
        countOpenTasks(session, [world.project.id, empty.id, world.otherProject.id, missing]),
      ),
    );
    expect(queries).toBe(1);
    expect(result).toEqual(
      new Map([
        [world.project.id, 4],
        [empty.id, 0],
        [world.otherProject.id, 0],
        [missing, 0],
      ]),
    );
    expect(await test.db.read((session) => countOpenTasks(session, []))).toEqual(new Map());
    expect(await test.db.read((session) => countOpenTasks(session, ['ENG']))).toEqual(
      new Map([['ENG', 0]]),
    );
  });

  it('stays exact through imports, status changes, deletes and a deleted project', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'KEPT');
    const doomed = await createProjectIn(test.db, world.owner, world.workspace, 'GONE');
    /** What countOpenTasks says, and what counting the tasks says. */
    const both = async (projectId: string) =>
      test.db.read(async (session) => {
        const counted = await session.raw<{ rows: Array<{ open: number }> }>(
          "select count(*)::int as open from tasks where project_id = ? and status not in ('done', 'canceled')",
          [projectId],
        );
        return {
          kept: (await countOpenTasks(session, [projectId])).get(projectId),
          counted: counted.rows[0]?.open,
        };
      });
    const statuses = ['backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
    for (const target of [project, doomed]) {
      await test.db.transaction((session) =>
        importTasks(session, world.owner.actor, {
          projectId: target.id,
          tasks: Array.from({ length: 40 }, (_, index) => ({
            title: `Imported ${index}`,
            status: statuses[index % statuses.length],
          })),
        }),
      );
    }
    expect(await both(project.id)).toEqual({ kept: 24, counted: 24 });

    const open = await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'o' });
    const closed = await createTaskAs(test.db, world.owner, {
      projectId: project.id,
      title: 'c',
      status: 'done',
    });
    expect(await both(project.id)).toEqual({ kept: 25, counted: 25 });
    // open -> closed, closed -> open, open -> open, and an edit that leaves the status alone.
    const reopened = await test.db.transaction((session) =>
      updateTask(session, world.owner.actor, { id: closed.id, version: 1, status: 'todo' }),
    );
    await test.db.transaction((session) =>
      updateTask(session, world.owner.actor, { id: open.id, version: 1, status: 'canceled' }),
    );
    await test.db.transaction((session) =>
      updateTask(session, world.owner.actor, {
        id: reopened.id,
        version: 2,
        status: 'in_progress',
        title: 'renamed',
      }),
    );
    expect(await both(project.id)).toEqual({ kept: 25, counted: 25 });
    await test.db.transaction((session) =>
      deleteTask(session, world.owner.actor, { id: reopened.id }),
    );
    await test.db.transaction((session) => deleteTask(session, world.owner.actor, { id: open.id }));
    expect(await both(project.id)).toEqual({ kept: 24, counted: 24 });

    // A project deleted with its tasks takes its counters along, without an error.
    await test.db.transaction((session) =>
      session.raw('delete from projects where id = ?', [doomed.id]),
    );
    expect(await both(doomed.id)).toEqual({ kept: 0, counted: 0 });
    expect(await both(project.id)).toEqual({ kept: 24, counted: 24 });
  });
});

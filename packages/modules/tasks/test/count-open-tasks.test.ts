import { randomUUID } from 'node:crypto';
import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { countOpenTasks } from '../src';
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
});

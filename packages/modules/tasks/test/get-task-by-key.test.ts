import { randomUUID } from 'node:crypto';
import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { NotFoundError, type Actor } from '@trellis/kernel';
import { ZodError } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTask, getTaskByKey, getTaskByKeyInput, type Task } from '../src';
import { buildWorld, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;
let first: Task;
let second: Task;

beforeAll(async () => {
  world = await buildWorld(test.db);
  first = await createTaskAs(test.db, world.owner, {
    projectId: world.project.id,
    title: 'First',
    labelIds: [world.bug.id],
  });
  second = await createTaskAs(test.db, world.owner, {
    projectId: world.project.id,
    title: 'Second',
  });
});

const byKey = (actor: Actor, workspaceId: string, key: string) =>
  test.db.read((session) => getTaskByKey(session, actor, { workspaceId, key }));

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (caught: unknown) => caught,
  );
}

describe('getTaskByKey', () => {
  it('gives exactly what getTask gives, for a viewer too, in the same one query', async () => {
    expect(second.key).toBe('ENG-2');
    const { result, queries } = await countQueries(() =>
      byKey(world.viewer.actor, world.workspace.id, 'ENG-2'),
    );
    const byId = await test.db.read((session) =>
      getTask(session, world.viewer.actor, { id: second.id }),
    );
    expect(result).toEqual(byId);
    expect(queries).toBe(1);
    expect((await byKey(world.owner.actor, world.workspace.id, 'ENG-1')).labels).toEqual([
      world.bug,
    ]);
  });

  it('reads the key case-insensitively and ignores surrounding blanks', async () => {
    expect((await byKey(world.member.actor, world.workspace.id, ' eng-1 ')).id).toBe(first.id);
  });

  it('an unknown number, an unknown project, another workspace and a non-member all get NotFoundError(Task)', async () => {
    const cases: Array<[Actor, string, string]> = [
      [world.owner.actor, world.workspace.id, 'ENG-999'],
      [world.owner.actor, world.workspace.id, 'NOPE-1'],
      [world.owner.actor, world.workspace.id, 'ENG-2147483647'],
      [world.owner.actor, randomUUID(), 'ENG-1'],
      // the outsider's own workspace does not reach ENG of another one
      [world.outsider.actor, world.otherWorkspace.id, 'ENG-1'],
      [world.outsider.actor, world.workspace.id, 'ENG-1'],
    ];
    for (const [actor, workspaceId, key] of cases) {
      const error = await failureOf(byKey(actor, workspaceId, key));
      expect(error, key).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).entity).toBe('Task');
    }
  });

  it('a malformed key is a validation error naming `key`', async () => {
    for (const key of ['ENG', 'ENG-0', 'ENG-01', '12', 'E-1', 'ENG-x', 'ENG-99999999999', '']) {
      const error = await failureOf(byKey(world.owner.actor, world.workspace.id, key));
      expect(error, key).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0]?.path, key).toEqual(['key']);
    }
  });
});

describe('getTaskByKeyInput', () => {
  it('accepts its own output (services parse input the router already parsed)', () => {
    const once = getTaskByKeyInput.parse({ workspaceId: world.workspace.id, key: ' eng-7 ' });
    expect(once.key).toBe('ENG-7');
    expect(getTaskByKeyInput.parse(once)).toEqual(once);
  });
});

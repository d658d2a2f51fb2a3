import { randomUUID } from 'node:crypto';
import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { NotFoundError } from '@trellis/kernel';
import { registerUsers, workspaceWith, type Person } from '@trellis/workspaces/testing';
import { ZodError } from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { createProject, getProjectByKey, type Project } from '../src';

const test = useTestDatabase();
let owner: Person;
let viewer: Person;
let outsider: Person;
let workspaceId: string;
let otherWorkspaceId: string;
let web: Project;

beforeAll(async () => {
  [owner, viewer, outsider] = (await registerUsers(test.db, ['owner', 'viewer', 'outsider'])) as [
    Person,
    Person,
    Person,
  ];
  workspaceId = await workspaceWith(test.db, owner, 'keys', [[viewer, 'viewer']]);
  otherWorkspaceId = await workspaceWith(test.db, outsider, 'other-keys', []);
  web = await test.db.transaction((session) =>
    createProject(session, owner, { workspaceId, key: 'WEB', name: 'Website' }),
  );
  await test.db.transaction((session) =>
    createProject(session, outsider, { workspaceId: otherWorkspaceId, key: 'WEB', name: 'Theirs' }),
  );
});

const byKey = (actor: Person, wsId: string, key: string) =>
  test.db.read((session) => getProjectByKey(session, actor, { workspaceId: wsId, key }));

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (caught: unknown) => caught,
  );
}

describe('getProjectByKey', () => {
  it('finds the project of this workspace by key, case-insensitively, for a viewer, in one query', async () => {
    const { result, queries } = await countQueries(() => byKey(viewer, workspaceId, 'web'));
    expect(result).toEqual(web);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(queries).toBe(1);
  });

  it('an unknown key, an unknown workspace and a workspace the actor is not in give NotFoundError(Project)', async () => {
    for (const [actor, wsId, key] of [
      [owner, workspaceId, 'NOPE'],
      [owner, randomUUID(), 'WEB'],
      [outsider, workspaceId, 'WEB'],
    ] as const) {
      const error = await failureOf(byKey(actor, wsId, key));
      expect(error, key).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).entity).toBe('Project');
    }
  });

  it('a malformed key is a validation error naming `key`', async () => {
    for (const key of ['W', 'WEB-1', '1AB', 'x'.repeat(11), '']) {
      const error = await failureOf(byKey(owner, workspaceId, key));
      expect(error, key).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0]?.path, key).toEqual(['key']);
    }
  });
});

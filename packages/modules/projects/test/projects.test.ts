import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError, ForbiddenError, NotFoundError } from '@trellis/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ProjectModel,
  createProject,
  createProjectInput,
  getProjectForActor,
  listProjects,
  listProjectsInput,
} from '../src';
import { registerUsers, workspaceWith, type Person } from '@trellis/workspaces/testing';

const test = useTestDatabase();

let owner: Person;
let admin: Person;
let member: Person;
let viewer: Person;
let outsider: Person;
let workspaceId: string;
let otherWorkspaceId: string;

beforeAll(async () => {
  [owner, admin, member, viewer, outsider] = (await registerUsers(test.db, [
    'owner',
    'admin',
    'member',
    'viewer',
    'outsider',
  ])) as [Person, Person, Person, Person, Person];
  workspaceId = await workspaceWith(test.db, owner, 'team', [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ]);
  otherWorkspaceId = await workspaceWith(test.db, outsider, 'elsewhere', []);
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('createProject', () => {
  it('lets owners and admins create projects and returns plain data', async () => {
    const web = await test.db.transaction((session) =>
      createProject(session, owner, { workspaceId, key: 'WEB', name: '  Website ' }),
    );
    expect(web).toEqual({ id: expect.any(String), workspaceId, key: 'WEB', name: 'Website' });
    expect(Object.getPrototypeOf(web)).toBe(Object.prototype);
    const api = await test.db.transaction((session) =>
      createProject(session, admin, { workspaceId, key: 'API', name: 'API' }),
    );
    expect(api.key).toBe('API');
    const stored = await test.db.knex('projects').where('id', web.id).first();
    expect(stored.last_task_number).toBe(0);
  });

  it('refuses members and viewers with ForbiddenError and hides the workspace from others', async () => {
    for (const actor of [member, viewer]) {
      await expect(
        test.db.transaction((session) =>
          createProject(session, actor, { workspaceId, key: 'NOPE', name: 'Nope' }),
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      test.db.transaction((session) =>
        createProject(session, outsider, { workspaceId, key: 'NOPE', name: 'Nope' }),
      ),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    expect(await test.db.knex('projects').where('key', 'NOPE')).toHaveLength(0);
  });

  it('rejects a key already used in the workspace, but not one used elsewhere', async () => {
    await test.db.transaction((session) =>
      createProject(session, owner, { workspaceId, key: 'DUP', name: 'First' }),
    );
    await expect(
      test.db.transaction((session) =>
        createProject(session, admin, { workspaceId, key: 'DUP', name: 'Second' }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const elsewhere = await test.db.transaction((session) =>
      createProject(session, outsider, {
        workspaceId: otherWorkspaceId,
        key: 'DUP',
        name: 'Other',
      }),
    );
    expect(elsewhere.workspaceId).toBe(otherWorkspaceId);
  });

  it('validates the input strictly', () => {
    const valid = { workspaceId: otherWorkspaceId, key: 'AB', name: 'x' };
    expect(createProjectInput.safeParse(valid).success).toBe(true);
    for (const key of ['A', 'ab', '1AB', 'ABCDEFGHIJK', 'A-B']) {
      expect(createProjectInput.safeParse({ ...valid, key }).success).toBe(false);
    }
    expect(createProjectInput.safeParse({ ...valid, name: ' ' }).success).toBe(false);
    expect(createProjectInput.safeParse({ ...valid, lastTaskNumber: 5 }).success).toBe(false);
    expect(listProjectsInput.safeParse({ workspaceId: 'x' }).success).toBe(false);
  });
});

describe('listProjects', () => {
  it('lists the workspace projects ordered by key for any member, viewers included', async () => {
    const projects = await test.db.read((session) =>
      listProjects(session, viewer, { workspaceId }),
    );
    const keys = projects.map((project) => project.key);
    expect(keys).toEqual(['API', 'DUP', 'WEB']);
    expect(projects.every((project) => project.workspaceId === workspaceId)).toBe(true);
    expect(Object.getPrototypeOf(projects[0])).toBe(Object.prototype);
    expect(Object.keys(projects[0]!).sort()).toEqual(['id', 'key', 'name', 'workspaceId']);
  });

  it('gives a non-member NotFoundError', async () => {
    await expect(
      test.db.read((session) => listProjects(session, outsider, { workspaceId })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('getProjectForActor', () => {
  it('returns the project with the actor role in one query', async () => {
    const [web] = await test.db.read((session) =>
      ProjectModel.query(session).select('id').where({ workspace_id: workspaceId, key: 'WEB' }),
    );
    const { result, queries } = await countQueries(() =>
      test.db.read((session) => getProjectForActor(session, member, web!.id, 'member')),
    );
    expect(queries).toBe(1);
    expect(result).toEqual({
      id: web!.id,
      workspaceId,
      key: 'WEB',
      name: 'Website',
      actorRole: 'member',
    });
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
  });

  it('hides a project from non-members exactly like a missing one, and refuses low roles', async () => {
    const [web] = await test.db.read((session) =>
      ProjectModel.query(session).select('id').where({ workspace_id: workspaceId, key: 'WEB' }),
    );
    const hidden = await failure(
      test.db.read((session) => getProjectForActor(session, outsider, web!.id, 'viewer')),
    );
    const missing = await failure(
      test.db.read((session) =>
        getProjectForActor(session, outsider, '00000000-0000-4000-8000-000000000000', 'viewer'),
      ),
    );
    const malformed = await failure(
      test.db.read((session) => getProjectForActor(session, outsider, 'WEB', 'viewer')),
    );
    for (const error of [hidden, missing, malformed]) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Project not found');
    }
    await expect(
      test.db.read((session) => getProjectForActor(session, viewer, web!.id, 'member')),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

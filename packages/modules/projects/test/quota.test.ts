import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError } from '@trellis/kernel';
import { registerUsers, workspaceWith, type Person } from '@trellis/workspaces/testing';
import { describe, expect, it } from 'vitest';
import { createProject, listProjects, MAX_PROJECTS_PER_WORKSPACE } from '../src';

const test = useTestDatabase();

describe('projects per workspace', () => {
  it('a workspace holds at most MAX_PROJECTS_PER_WORKSPACE projects, so projects.list stays bounded; others are not affected', async () => {
    const [owner, other] = (await registerUsers(test.db, ['owner', 'other'])) as [Person, Person];
    const full = await workspaceWith(test.db, owner, 'full', []);
    const roomy = await workspaceWith(test.db, other, 'roomy', []);
    // Filled by SQL up to one below the quota (the service would take one request per project).
    await test.db.knex.raw(
      `insert into projects (workspace_id, key, name)
       select ?, 'P' || n, 'Project ' || n from generate_series(1, ?) as n`,
      [full, MAX_PROJECTS_PER_WORKSPACE - 1],
    );
    const create = (workspaceId: string, actor: Person, key: string) =>
      test.db.transaction((session) =>
        createProject(session, actor, { workspaceId, key, name: key }),
      );
    expect(await create(full, owner, 'LAST')).toMatchObject({ key: 'LAST', workspaceId: full });
    const refused = await create(full, owner, 'MORE').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/at most 200 projects/);
    const projects = await test.db.read((session) =>
      listProjects(session, owner, { workspaceId: full }),
    );
    expect(projects).toHaveLength(MAX_PROJECTS_PER_WORKSPACE);
    expect((await create(roomy, other, 'FINE')).key).toBe('FINE');
  });
});

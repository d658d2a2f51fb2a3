import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { ForbiddenError, NotFoundError } from '@trellis/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  WorkspaceModel,
  assertRole,
  createWorkspace,
  joinActorRole,
  requireRole,
  roleAtLeast,
  type Role,
  type WorkspaceSummary,
} from '../src';
import { joinByInvitation } from '../src/testing';
import { registerUsers } from './support/users';

const test = useTestDatabase();

type Person = Awaited<ReturnType<typeof registerUsers<['a']>>>[0];
let owner: Person;
let viewer: Person;
let outsider: Person;
let shared: WorkspaceSummary;
let other: WorkspaceSummary;

beforeAll(async () => {
  [owner, viewer, outsider] = await registerUsers(test.db, ['owner', 'viewer', 'outsider']);
  [shared, other] = await test.db.transaction(async (session) => {
    const first = await createWorkspace(session, owner, { name: 'Shared', slug: 'shared' });
    const second = await createWorkspace(session, outsider, { name: 'Other', slug: 'other' });
    return [first, second];
  });
  await joinByInvitation(test.db, owner, shared.id, viewer, 'viewer');
});

describe('roleAtLeast / assertRole', () => {
  it('orders viewer < member < admin < owner', () => {
    const roles: Role[] = ['viewer', 'member', 'admin', 'owner'];
    for (const [i, role] of roles.entries()) {
      for (const [j, minimum] of roles.entries()) {
        expect(roleAtLeast(role, minimum)).toBe(i >= j);
      }
    }
  });

  it('turns no role into NotFoundError(entity) and a low role into ForbiddenError', () => {
    expect(() => assertRole(null, 'viewer', 'Project')).toThrow(new NotFoundError('Project'));
    expect(() => assertRole(undefined, 'viewer', 'Project')).toThrow(NotFoundError);
    expect(() => assertRole('member', 'admin', 'Project')).toThrow(ForbiddenError);
    expect(assertRole('admin', 'member', 'Project')).toBe('admin');
  });
});

describe('requireRole', () => {
  it('returns the actor role in exactly one query', async () => {
    const { result, queries } = await countQueries(() =>
      test.db.read((session) => requireRole(session, viewer, shared.id, 'viewer')),
    );
    expect(result).toBe('viewer');
    expect(queries).toBe(1);
  });

  it('gives a non-member NotFoundError("Workspace") and a low role ForbiddenError', async () => {
    await test.db.read(async (session) => {
      await expect(requireRole(session, outsider, shared.id, 'viewer')).rejects.toThrow(
        new NotFoundError('Workspace'),
      );
      await expect(requireRole(session, viewer, shared.id, 'member')).rejects.toBeInstanceOf(
        ForbiddenError,
      );
      await expect(requireRole(session, owner, 'not-a-uuid', 'viewer')).rejects.toThrow(
        new NotFoundError('Workspace'),
      );
      expect(await requireRole(session, owner, shared.id, 'admin')).toBe('owner');
    });
  });
});

describe('joinActorRole', () => {
  it('fetches rows with the actor role and drops workspaces the actor is not in, in one query', async () => {
    const { result, queries } = await countQueries(() =>
      test.db.read(async (session) => {
        const query = WorkspaceModel.query(session)
          .select('workspaces.id', 'workspaces.slug')
          .whereIn('workspaces.id', [shared.id, other.id])
          .orderBy('workspaces.slug');
        return joinActorRole(query, viewer, 'workspaces.id');
      }),
    );
    expect(queries).toBe(1);
    expect(result.map((row) => row.toJSON())).toEqual([
      { id: shared.id, slug: 'shared', actorRole: 'viewer' },
    ]);
  });

  it('selects the whole row when the caller selected nothing, and binds the user id', async () => {
    const rows = await test.db.read((session) =>
      joinActorRole(WorkspaceModel.query(session), owner, 'workspaces.id'),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: shared.id,
      name: 'Shared',
      slug: 'shared',
      actorRole: 'owner',
    });

    await test.db.read(async (session) => {
      const sql = joinActorRole(WorkspaceModel.query(session), owner, 'workspaces.id')
        .toKnexQuery()
        .toSQL();
      expect(sql.sql).not.toContain(owner.userId);
      expect(sql.bindings).toContain(owner.userId);
    });
  });
});

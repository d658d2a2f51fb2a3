import { ConflictError, NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkspace,
  createWorkspaceInput,
  getWorkspace,
  getWorkspaceInput,
  listWorkspaces,
  workspaceDetailSchema,
} from '../src';
import { joinByInvitation } from '../src/testing';
import { publicUser, registerUsers } from './support/users';

const test = useTestDatabase();

let owner: Awaited<ReturnType<typeof registerUsers<['owner', 'viewer', 'outsider']>>>[0];
let viewer: typeof owner;
let outsider: typeof owner;

beforeAll(async () => {
  [owner, viewer, outsider] = await registerUsers(test.db, ['owner', 'viewer', 'outsider']);
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('createWorkspace', () => {
  it('creates the workspace with the actor as owner and returns plain data', async () => {
    const summary = await test.db.transaction((session) =>
      createWorkspace(session, owner, { name: '  Acme  ', slug: 'acme' }),
    );
    expect(summary).toEqual({ id: expect.any(String), name: 'Acme', slug: 'acme', role: 'owner' });
    expect(Object.getPrototypeOf(summary)).toBe(Object.prototype);
    const memberships = await test.db.knex('memberships').where('workspace_id', summary.id);
    expect(memberships).toEqual([expect.objectContaining({ user_id: owner.id, role: 'owner' })]);
  });

  it('rejects a taken slug with a ConflictError and keeps nothing of the attempt', async () => {
    await test.db.transaction((session) =>
      createWorkspace(session, owner, { name: 'First', slug: 'taken-slug' }),
    );
    await expect(
      test.db.transaction((session) =>
        createWorkspace(session, outsider, { name: 'Second', slug: 'taken-slug' }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await test.db.knex('workspaces').where('slug', 'taken-slug').pluck('name')).toEqual([
      'First',
    ]);
  });

  it('validates the input strictly', () => {
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'abc' }).success).toBe(true);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'ab' }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'a'.repeat(41) }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'Abc' }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'a--b' }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: '-ab' }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: ' ', slug: 'abc' }).success).toBe(false);
    expect(createWorkspaceInput.safeParse({ name: 'A', slug: 'abc', id: 'x' }).success).toBe(false);
    expect(getWorkspaceInput.safeParse({ slug: 'abc', extra: 1 }).success).toBe(false);
  });
});

describe('listWorkspaces', () => {
  it('lists only the workspaces the actor belongs to, by name, with the actor role', async () => {
    const [zeta, alpha] = await test.db.transaction(async (session) => [
      await createWorkspace(session, owner, { name: 'Zeta', slug: 'zeta' }),
      await createWorkspace(session, owner, { name: 'Alpha', slug: 'alpha' }),
      await createWorkspace(session, outsider, { name: 'Private', slug: 'private' }),
    ]);
    await joinByInvitation(test.db, owner, zeta.id, viewer, 'viewer');

    const mine = await test.db.read((session) => listWorkspaces(session, viewer));
    expect(mine).toEqual([{ id: zeta.id, name: 'Zeta', slug: 'zeta', role: 'viewer' }]);
    expect(Object.getPrototypeOf(mine[0])).toBe(Object.prototype);

    const owned = await test.db.read((session) => listWorkspaces(session, owner));
    const names = owned.map((workspace) => workspace.name);
    expect(names).toEqual([...names].sort());
    expect(owned.map((workspace) => workspace.slug)).toContain(alpha.slug);
    expect(owned.map((workspace) => workspace.slug)).not.toContain('private');
    expect(owned.every((workspace) => workspace.role === 'owner')).toBe(true);
  });
});

describe('getWorkspace', () => {
  it('returns the workspace with its members and their users, as plain data without secrets', async () => {
    const created = await test.db.transaction((session) =>
      createWorkspace(session, owner, { name: 'Detail', slug: 'detail' }),
    );
    await joinByInvitation(test.db, owner, created.id, viewer, 'viewer');
    const detail = await test.db.read((session) =>
      getWorkspace(session, viewer, { slug: 'detail' }),
    );
    expect(detail).toEqual({
      id: created.id,
      name: 'Detail',
      slug: 'detail',
      role: 'viewer',
      members: [
        { user: publicUser(owner), role: 'owner' },
        { user: publicUser(viewer), role: 'viewer' },
      ],
    });
    expect(workspaceDetailSchema.parse(detail)).toEqual(detail);
    expect(Object.getPrototypeOf(detail)).toBe(Object.prototype);
    for (const member of detail.members) {
      expect(Object.getPrototypeOf(member)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(member.user)).toBe(Object.prototype);
    }
    expect(JSON.stringify(detail)).not.toMatch(/password|hash|scrypt/i);
  });

  it('gives a non-member the same NotFoundError as a slug that does not exist', async () => {
    await test.db.transaction((session) =>
      createWorkspace(session, owner, { name: 'Hidden', slug: 'hidden' }),
    );
    const hidden = await failure(
      test.db.read((session) => getWorkspace(session, outsider, { slug: 'hidden' })),
    );
    const missing = await failure(
      test.db.read((session) => getWorkspace(session, outsider, { slug: 'no-such-workspace' })),
    );
    expect(hidden).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(hidden.message).toBe(missing.message);
  });
});

import { listActivity } from '@trellis/activity';
import { ConflictError, ForbiddenError, NotFoundError } from '@trellis/kernel';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addMember,
  addMemberInput,
  createWorkspace,
  removeMember,
  type WorkspaceSummary,
} from '../src';
import { publicUser, registerUsers } from './support/users';

const test = useTestDatabase();

type Person = Awaited<ReturnType<typeof registerUsers<['a']>>>[0];
let owner: Person;
let admin: Person;
let member: Person;
let viewer: Person;
let outsider: Person;
let newcomer: Person;
let workspace: WorkspaceSummary;

beforeAll(async () => {
  [owner, admin, member, viewer, outsider, newcomer] = await registerUsers(test.db, [
    'owner',
    'admin',
    'member',
    'viewer',
    'outsider',
    'newcomer',
  ]);
  workspace = await test.db.transaction(async (session) => {
    const created = await createWorkspace(session, owner, { name: 'Team', slug: 'team' });
    for (const [person, role] of [
      [admin, 'admin'],
      [member, 'member'],
      [viewer, 'viewer'],
    ] as const) {
      await addMember(session, owner, { workspaceId: created.id, email: person.email, role });
    }
    return created;
  });
});

const membershipOf = (userId: string): Promise<{ role: string } | undefined> =>
  test.db.knex('memberships').where({ workspace_id: workspace.id, user_id: userId }).first();

const activityOf = () =>
  test.db.read((session) => listActivity(session, { workspaceId: workspace.id, limit: 100 }));

describe('addMember', () => {
  it('lets an admin add a user by email and records member.added in the same transaction', async () => {
    const added = await test.db.transaction((session) =>
      addMember(session, admin, {
        workspaceId: workspace.id,
        email: ' NEWCOMER@example.com ',
        role: 'member',
      }),
    );
    expect(added).toEqual({ user: publicUser(newcomer), role: 'member' });
    expect(Object.getPrototypeOf(added)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(added.user)).toBe(Object.prototype);
    expect((await membershipOf(newcomer.id))?.role).toBe('member');

    const [latest] = await activityOf();
    expect(latest).toMatchObject({
      kind: 'member.added',
      actor: publicUser(admin),
      taskId: null,
      data: { userId: newcomer.id, role: 'member' },
    });
    await test.db.transaction((session) =>
      removeMember(session, owner, { workspaceId: workspace.id, userId: newcomer.id }),
    );
  });

  it('rolls the membership and its activity back together when the transaction fails', async () => {
    const before = (await activityOf()).length;
    await expect(
      test.db.transaction(async (session) => {
        await addMember(session, owner, {
          workspaceId: workspace.id,
          email: newcomer.email,
          role: 'viewer',
        });
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');
    expect(await membershipOf(newcomer.id)).toBeUndefined();
    expect(await activityOf()).toHaveLength(before);
  });

  it('refuses members and viewers with ForbiddenError', async () => {
    for (const actor of [member, viewer]) {
      await expect(
        test.db.transaction((session) =>
          addMember(session, actor, {
            workspaceId: workspace.id,
            email: newcomer.email,
            role: 'viewer',
          }),
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await membershipOf(newcomer.id)).toBeUndefined();
  });

  it('gives a non-member NotFoundError, as for a workspace that does not exist', async () => {
    const hidden = test.db.transaction((session) =>
      addMember(session, outsider, {
        workspaceId: workspace.id,
        email: newcomer.email,
        role: 'admin',
      }),
    );
    await expect(hidden).rejects.toBeInstanceOf(NotFoundError);
    await expect(hidden).rejects.toThrow('Workspace not found');
    await expect(
      test.db.transaction((session) =>
        addMember(session, outsider, {
          workspaceId: '00000000-0000-4000-8000-000000000000',
          email: newcomer.email,
          role: 'admin',
        }),
      ),
    ).rejects.toThrow('Workspace not found');
  });

  it('gives NotFoundError for an unknown email and ConflictError for an existing member', async () => {
    await expect(
      test.db.transaction((session) =>
        addMember(session, owner, {
          workspaceId: workspace.id,
          email: 'nobody@example.com',
          role: 'member',
        }),
      ),
    ).rejects.toThrow(new NotFoundError('User'));
    await expect(
      test.db.transaction((session) =>
        addMember(session, owner, {
          workspaceId: workspace.id,
          email: viewer.email,
          role: 'admin',
        }),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await membershipOf(viewer.id))?.role).toBe('viewer');
  });

  it('cannot make anyone an owner, and the input is strict', () => {
    const valid = { workspaceId: workspace.id, email: 'x@example.com', role: 'admin' };
    expect(addMemberInput.safeParse(valid).success).toBe(true);
    expect(addMemberInput.safeParse({ ...valid, role: 'owner' }).success).toBe(false);
    expect(addMemberInput.safeParse({ ...valid, userId: owner.id }).success).toBe(false);
    expect(addMemberInput.safeParse({ ...valid, workspaceId: 'team' }).success).toBe(false);
  });
});

describe('removeMember', () => {
  it('never removes the owner, not even for the owner', async () => {
    for (const actor of [owner, admin]) {
      await expect(
        test.db.transaction((session) =>
          removeMember(session, actor, { workspaceId: workspace.id, userId: owner.id }),
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect((await membershipOf(owner.id))?.role).toBe('owner');
  });

  it('refuses members and viewers, and hides the workspace from non-members', async () => {
    for (const actor of [member, viewer]) {
      await expect(
        test.db.transaction((session) =>
          removeMember(session, actor, { workspaceId: workspace.id, userId: viewer.id }),
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      test.db.transaction((session) =>
        removeMember(session, outsider, { workspaceId: workspace.id, userId: viewer.id }),
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await membershipOf(viewer.id)).toBeDefined();
  });

  it('gives NotFoundError for a user who is not a member', async () => {
    await expect(
      test.db.transaction((session) =>
        removeMember(session, owner, { workspaceId: workspace.id, userId: outsider.id }),
      ),
    ).rejects.toThrow(new NotFoundError('Member'));
  });

  it('lets an admin remove a member and records member.removed', async () => {
    await test.db.transaction((session) =>
      addMember(session, owner, {
        workspaceId: workspace.id,
        email: newcomer.email,
        role: 'viewer',
      }),
    );
    const result = await test.db.transaction((session) =>
      removeMember(session, admin, { workspaceId: workspace.id, userId: newcomer.id }),
    );
    expect(result).toBeUndefined();
    expect(await membershipOf(newcomer.id)).toBeUndefined();
    const [latest] = await activityOf();
    expect(latest).toMatchObject({
      kind: 'member.removed',
      actor: publicUser(admin),
      data: { userId: newcomer.id, role: 'viewer' },
    });
  });
});

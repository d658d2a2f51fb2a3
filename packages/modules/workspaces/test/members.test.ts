import { listActivity } from '@trellis/activity';
import {
  IntegrityViolationError,
  UniqueViolationError,
  toDatabaseError,
  type Session,
} from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '@trellis/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  leaveWorkspace,
  removeMember,
  setMemberRole,
  setRoleInput,
  transferOwnership,
  transferOwnershipInput,
  type Role,
} from '../src';
import { workspaceWith } from '../src/testing';
import { publicUser, registerUsers } from './support/users';

const test = useTestDatabase();

type Person = Awaited<ReturnType<typeof registerUsers<['a']>>>[0];
let owner: Person;
let admin: Person;
let otherAdmin: Person;
let member: Person;
let viewer: Person;
let outsider: Person;

beforeAll(async () => {
  [owner, admin, otherAdmin, member, viewer, outsider] = await registerUsers(test.db, [
    'owner',
    'admin',
    'other-admin',
    'member',
    'viewer',
    'outsider',
  ]);
});

let teams = 0;
/** A fresh workspace: owner, two admins, a member and a viewer. */
function team(): Promise<string> {
  teams += 1;
  return workspaceWith(test.db, owner, `team-${teams}`, [
    [admin, 'admin'],
    [otherAdmin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ]);
}

const rolesIn = async (workspaceId: string): Promise<Record<string, Role>> => {
  const rows: Array<{ user_id: string; role: Role }> = await test.db
    .knex('memberships')
    .where({ workspace_id: workspaceId });
  return Object.fromEntries(rows.map((row) => [row.user_id, row.role]));
};

const latestActivity = async (workspaceId: string) =>
  (await test.db.read((session) => listActivity(session, { workspaceId, limit: 1 })))[0];

const tx = <T>(work: (session: Session) => Promise<T>): Promise<T> => test.db.transaction(work);

describe('removeMember', () => {
  it('admins remove members and viewers; only the owner removes an admin; nobody removes the owner', async () => {
    const workspaceId = await team();
    await expect(
      tx((s) => removeMember(s, admin, { workspaceId, userId: otherAdmin.id })),
    ).rejects.toThrow(new ForbiddenError('Only the owner manages admins'));
    for (const actor of [owner, admin]) {
      await expect(
        tx((s) => removeMember(s, actor, { workspaceId, userId: owner.id })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await tx((s) => removeMember(s, admin, { workspaceId, userId: viewer.id }));
    expect(await latestActivity(workspaceId)).toMatchObject({
      kind: 'member.removed',
      actor: publicUser(admin),
      data: { userId: viewer.id, role: 'viewer' },
    });
    await tx((s) => removeMember(s, owner, { workspaceId, userId: otherAdmin.id }));
    expect(await rolesIn(workspaceId)).toEqual({
      [owner.id]: 'owner',
      [admin.id]: 'admin',
      [member.id]: 'member',
    });
  });

  it('refuses members and viewers, hides the workspace from non-members, and names a non-member target', async () => {
    const workspaceId = await team();
    for (const actor of [member, viewer]) {
      await expect(
        tx((s) => removeMember(s, actor, { workspaceId, userId: viewer.id })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      tx((s) => removeMember(s, outsider, { workspaceId, userId: viewer.id })),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    await expect(
      tx((s) => removeMember(s, owner, { workspaceId, userId: outsider.id })),
    ).rejects.toThrow(new NotFoundError('Member'));
    expect(Object.keys(await rolesIn(workspaceId))).toHaveLength(5);
  });
});

describe('setMemberRole', () => {
  it('admins move people between member and viewer, and the change is recorded', async () => {
    const workspaceId = await team();
    expect(
      await tx((s) => setMemberRole(s, admin, { workspaceId, userId: viewer.id, role: 'member' })),
    ).toEqual({ userId: viewer.id, role: 'member' });
    expect(await latestActivity(workspaceId)).toMatchObject({
      kind: 'member.role_changed',
      actor: publicUser(admin),
      data: { userId: viewer.id, from: 'viewer', to: 'member' },
    });
    await tx((s) => setMemberRole(s, admin, { workspaceId, userId: member.id, role: 'viewer' }));
    expect(await rolesIn(workspaceId)).toMatchObject({
      [viewer.id]: 'member',
      [member.id]: 'viewer',
    });
  });

  it('only the owner promotes to admin or demotes an admin; the owner role is out of reach', async () => {
    const workspaceId = await team();
    const refused: Array<[Person, string, 'admin' | 'member' | 'viewer']> = [
      [admin, member.id, 'admin'], // promote
      [admin, otherAdmin.id, 'member'], // demote another admin
      [admin, admin.id, 'viewer'], // demote oneself
      [admin, owner.id, 'member'], // touch the owner
      [owner, owner.id, 'admin'], // the owner steps down without a transfer
      [member, viewer.id, 'member'],
      [viewer, viewer.id, 'member'],
    ];
    for (const [actor, userId, role] of refused) {
      await expect(
        tx((s) => setMemberRole(s, actor, { workspaceId, userId, role })),
        `${actor.name} sets ${role}`,
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    const before = await rolesIn(workspaceId);
    await tx((s) => setMemberRole(s, owner, { workspaceId, userId: member.id, role: 'admin' }));
    await tx((s) =>
      setMemberRole(s, owner, { workspaceId, userId: otherAdmin.id, role: 'viewer' }),
    );
    expect(await rolesIn(workspaceId)).toEqual({
      ...before,
      [member.id]: 'admin',
      [otherAdmin.id]: 'viewer',
    });
  });

  it('hides the workspace from non-members, names a non-member target, and takes no owner role as input', async () => {
    const workspaceId = await team();
    await expect(
      tx((s) => setMemberRole(s, outsider, { workspaceId, userId: member.id, role: 'viewer' })),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    await expect(
      tx((s) => setMemberRole(s, owner, { workspaceId, userId: outsider.id, role: 'viewer' })),
    ).rejects.toThrow(new NotFoundError('Member'));
    const valid = { workspaceId, userId: member.id, role: 'viewer' };
    expect(setRoleInput.safeParse(valid).success).toBe(true);
    expect(setRoleInput.safeParse({ ...valid, role: 'owner' }).success).toBe(false);
    expect(setRoleInput.safeParse({ ...valid, extra: 1 }).success).toBe(false);
  });
});

describe('leaveWorkspace', () => {
  it('any member but the owner leaves, and it is recorded', async () => {
    const workspaceId = await team();
    for (const person of [viewer, member, admin]) {
      await tx((s) => leaveWorkspace(s, person, { workspaceId }));
      expect(await latestActivity(workspaceId)).toMatchObject({
        kind: 'member.left',
        actor: publicUser(person),
        data: { userId: person.id },
      });
    }
    await expect(tx((s) => leaveWorkspace(s, owner, { workspaceId }))).rejects.toThrow(
      /transfer ownership/,
    );
    expect(await rolesIn(workspaceId)).toEqual({ [owner.id]: 'owner', [otherAdmin.id]: 'admin' });
    await expect(tx((s) => leaveWorkspace(s, viewer, { workspaceId }))).rejects.toThrow(
      new NotFoundError('Workspace'),
    );
  });
});

describe('transferOwnership', () => {
  it('hands the workspace to an admin; the old owner becomes an admin', async () => {
    const workspaceId = await team();
    await tx((s) => transferOwnership(s, owner, { workspaceId, userId: admin.id }));
    expect(await rolesIn(workspaceId)).toMatchObject({ [owner.id]: 'admin', [admin.id]: 'owner' });
    expect(await latestActivity(workspaceId)).toMatchObject({
      kind: 'workspace.ownership_transferred',
      actor: publicUser(owner),
      data: { from: owner.id, to: admin.id },
    });
    // The new owner now rules: the old owner may leave, the new one may not.
    await tx((s) => leaveWorkspace(s, owner, { workspaceId }));
    await expect(tx((s) => leaveWorkspace(s, admin, { workspaceId }))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('only the owner transfers, only to an admin, and a refusal changes nothing', async () => {
    const workspaceId = await team();
    const before = await rolesIn(workspaceId);
    await expect(
      tx((s) => transferOwnership(s, admin, { workspaceId, userId: otherAdmin.id })),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      tx((s) => transferOwnership(s, outsider, { workspaceId, userId: outsider.id })),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    const toMember = tx((s) => transferOwnership(s, owner, { workspaceId, userId: member.id }));
    await expect(toMember).rejects.toBeInstanceOf(InvalidInputError);
    await expect(toMember).rejects.toMatchObject({ path: ['userId'] });
    await expect(
      tx((s) => transferOwnership(s, owner, { workspaceId, userId: outsider.id })),
    ).rejects.toThrow(new NotFoundError('Member'));
    await expect(
      tx((s) => transferOwnership(s, owner, { workspaceId, userId: owner.id })),
    ).rejects.toBeInstanceOf(InvalidInputError);
    expect(await rolesIn(workspaceId)).toEqual(before);
    expect(transferOwnershipInput.safeParse({ workspaceId, userId: 'x' }).success).toBe(false);
  });

  it('two transfers at once: one wins, the other is refused, and there is exactly one owner', async () => {
    for (let round = 0; round < 5; round += 1) {
      const workspaceId = await team();
      const outcomes = await Promise.allSettled([
        tx((s) => transferOwnership(s, owner, { workspaceId, userId: admin.id })),
        tx((s) => transferOwnership(s, owner, { workspaceId, userId: otherAdmin.id })),
      ]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refusal = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((refusal as PromiseRejectedResult).reason).toBeInstanceOf(ForbiddenError);
      const roles = Object.values(await rolesIn(workspaceId));
      expect(roles.filter((role) => role === 'owner')).toHaveLength(1);
      expect(roles.filter((role) => role === 'admin')).toHaveLength(2);
    }
  });
});

describe('the database keeps exactly one owner', () => {
  const failureOf = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (error) {
      return toDatabaseError(error);
    }
    throw new Error('expected the statement to fail');
  };

  it('refuses a second owner at once', async () => {
    const workspaceId = await team();
    const error = await failureOf(
      test.db
        .knex('memberships')
        .where({ workspace_id: workspaceId, user_id: admin.id })
        .update({ role: 'owner' }),
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe('memberships_one_owner');
  });

  it('refuses, at commit, a workspace left without an owner or created without one', async () => {
    const workspaceId = await team();
    const demoted = await failureOf(
      test.db
        .knex('memberships')
        .where({ workspace_id: workspaceId, role: 'owner' })
        .update({ role: 'admin' }),
    );
    expect(demoted).toBeInstanceOf(IntegrityViolationError);
    expect((demoted as IntegrityViolationError).constraint).toBe('workspaces_exactly_one_owner');
    const removed = await failureOf(
      test.db.knex('memberships').where({ workspace_id: workspaceId, role: 'owner' }).delete(),
    );
    expect(removed).toBeInstanceOf(IntegrityViolationError);
    const orphan = await failureOf(
      test.db.knex('workspaces').insert({ name: 'Orphan', slug: 'orphan' }),
    );
    expect(orphan).toBeInstanceOf(IntegrityViolationError);
    expect(await rolesIn(workspaceId)).toMatchObject({ [owner.id]: 'owner' });
    expect(await test.db.knex('workspaces').where({ slug: 'orphan' })).toEqual([]);
  });

  it('lets a workspace go with all its memberships', async () => {
    const workspaceId = await team();
    await test.db.knex('workspaces').where({ id: workspaceId }).delete();
    expect(await rolesIn(workspaceId)).toEqual({});
  });
});

it('a membership change that fails halfway leaves no trace', async () => {
  const workspaceId = await team();
  const before = await rolesIn(workspaceId);
  const entries = (await test.db.read((s) => listActivity(s, { workspaceId, limit: 100 }))).length;
  await expect(
    test.db.transaction(async (session) => {
      await setMemberRole(session, owner, { workspaceId, userId: member.id, role: 'admin' });
      await transferOwnership(session, owner, { workspaceId, userId: member.id });
      throw new ConflictError('a later step failed');
    }),
  ).rejects.toThrow('a later step failed');
  expect(await rolesIn(workspaceId)).toEqual(before);
  expect((await test.db.read((s) => listActivity(s, { workspaceId, limit: 100 }))).length).toBe(
    entries,
  );
});

import { listActivity } from '@trellis/activity';
import type { Session } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TooManyRequestsError,
} from '@trellis/kernel';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  INVITATION_LIFETIME_DAYS,
  acceptInvitation,
  declineInvitation,
  inviteInput,
  inviteToWorkspace,
  invitationSchema,
  listReceivedInvitations,
  listWorkspaceInvitations,
  purgeStaleInvitations,
  receivedInvitationSchema,
  revokeInvitation,
  workspaceInvitationSchema,
} from '../src';
import { joinByInvitation, workspaceWith } from '../src/testing';
import { publicUser, registerUsers } from './support/users';

const test = useTestDatabase();

type Person = Awaited<ReturnType<typeof registerUsers<['a']>>>[0];
let owner: Person;
let admin: Person;
let member: Person;
let viewer: Person;
let outsider: Person;
let invitee: Person;

beforeAll(async () => {
  [owner, admin, member, viewer, outsider, invitee] = await registerUsers(test.db, [
    'owner',
    'admin',
    'member',
    'viewer',
    'outsider',
    'invitee',
  ]);
});

/** The per-inviter throttle has tests of its own; elsewhere it must not depend on test order. */
const roomy = { maxPerWindow: 1_000, windowSeconds: 1 };

const tx = <T>(work: (session: Session) => Promise<T>): Promise<T> => test.db.transaction(work);
const read = <T>(work: (session: Session) => Promise<T>): Promise<T> => test.db.read(work);

let teams = 0;
async function team(): Promise<string> {
  teams += 1;
  return workspaceWith(test.db, owner, `team-${teams}`, [
    [admin, 'admin'],
    [member, 'member'],
    [viewer, 'viewer'],
  ]);
}

async function roleOf(workspaceId: string, userId: string): Promise<string | undefined> {
  const row: { role: string } | undefined = await test.db
    .knex('memberships')
    .where({ workspace_id: workspaceId, user_id: userId })
    .first();
  return row?.role;
}

describe('inviteToWorkspace', () => {
  it('gives the same answer whether or not the email has an account', async () => {
    const workspaceId = await team();
    const known = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: ' INVITEE@example.com ', role: 'member' },
        { policy: roomy },
      ),
    );
    const unknown = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: 'nobody@example.com', role: 'member' },
        { policy: roomy },
      ),
    );
    for (const [answer, email] of [
      [known, 'invitee@example.com'],
      [unknown, 'nobody@example.com'],
    ] as const) {
      expect(answer).toEqual({
        id: expect.any(String),
        email,
        role: 'member',
        expiresAt: expect.any(Date),
      });
      expect(Object.keys(answer).sort()).toEqual(['email', 'expiresAt', 'id', 'role']);
      expect(invitationSchema.parse(answer)).toEqual(answer);
      const days = (answer.expiresAt.getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(INVITATION_LIFETIME_DAYS - 0.01);
      expect(days).toBeLessThanOrEqual(INVITATION_LIFETIME_DAYS);
    }
    expect(await roleOf(workspaceId, invitee.id)).toBeUndefined();
  });

  it('renews a pending invitation instead of adding a second one', async () => {
    const workspaceId = await team();
    const first = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'viewer' },
        { policy: roomy },
      ),
    );
    const again = await tx((s) =>
      inviteToWorkspace(
        s,
        owner,
        { workspaceId, email: invitee.email, role: 'member' },
        { policy: roomy },
      ),
    );
    expect(again.id).toBe(first.id);
    const pending = await read((s) => listWorkspaceInvitations(s, admin, { workspaceId }));
    expect(pending).toEqual([
      {
        id: first.id,
        email: invitee.email,
        role: 'member',
        expiresAt: again.expiresAt,
        invitedBy: publicUser(owner),
      },
    ]);
  });

  it('is for owners and admins; only the owner invites admins; members get CONFLICT', async () => {
    const workspaceId = await team();
    for (const actor of [member, viewer]) {
      await expect(
        tx((s) =>
          inviteToWorkspace(
            s,
            actor,
            { workspaceId, email: invitee.email, role: 'viewer' },
            { policy: roomy },
          ),
        ),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      tx((s) =>
        inviteToWorkspace(
          s,
          outsider,
          { workspaceId, email: invitee.email, role: 'viewer' },
          { policy: roomy },
        ),
      ),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    await expect(
      tx((s) =>
        inviteToWorkspace(
          s,
          admin,
          { workspaceId, email: invitee.email, role: 'admin' },
          { policy: roomy },
        ),
      ),
    ).rejects.toThrow(new ForbiddenError('Only the owner manages admins'));
    // An admin cannot turn the owner's pending admin invitation into something else either.
    await tx((s) =>
      inviteToWorkspace(
        s,
        owner,
        { workspaceId, email: invitee.email, role: 'admin' },
        { policy: roomy },
      ),
    );
    await expect(
      tx((s) =>
        inviteToWorkspace(
          s,
          admin,
          { workspaceId, email: invitee.email, role: 'viewer' },
          { policy: roomy },
        ),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      tx((s) =>
        inviteToWorkspace(
          s,
          owner,
          { workspaceId, email: member.email, role: 'viewer' },
          { policy: roomy },
        ),
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    const pending = await read((s) => listWorkspaceInvitations(s, owner, { workspaceId }));
    expect(pending.map((invitation) => [invitation.email, invitation.role])).toEqual([
      [invitee.email, 'admin'],
    ]);
  });

  it('is throttled per inviter, across workspaces, and tells when to retry', async () => {
    const policy = { maxPerWindow: 3, windowSeconds: 600 };
    const [one, two] = [await team(), await team()];
    const [busy, calm] = await registerUsers(test.db, ['busy-admin', 'calm-admin']);
    for (const workspaceId of [one, two]) {
      await joinByInvitation(test.db, owner, workspaceId, busy, 'admin');
      await joinByInvitation(test.db, owner, workspaceId, calm, 'admin');
    }
    for (const [workspaceId, n] of [
      [one, 1],
      [two, 2],
      [one, 3],
    ] as const) {
      await tx((s) =>
        inviteToWorkspace(
          s,
          busy,
          { workspaceId, email: `spam-${n}@example.com`, role: 'viewer' },
          { policy },
        ),
      );
    }
    const refused = tx((s) =>
      inviteToWorkspace(
        s,
        busy,
        { workspaceId: two, email: 'spam-4@example.com', role: 'viewer' },
        { policy },
      ),
    );
    await expect(refused).rejects.toBeInstanceOf(TooManyRequestsError);
    const error = (await refused.catch((caught: unknown) => caught)) as TooManyRequestsError;
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.retryAfterSeconds).toBeLessThanOrEqual(600);
    // Another inviter is not affected.
    await tx((s) =>
      inviteToWorkspace(
        s,
        calm,
        { workspaceId: two, email: 'spam-4@example.com', role: 'viewer' },
        { policy },
      ),
    );
  });

  it('invitations sent at the same moment cannot pass the throttle together', async () => {
    const policy = { maxPerWindow: 3, windowSeconds: 600 };
    const workspaceId = await team();
    const [hasty] = await registerUsers(test.db, ['hasty-admin']);
    await joinByInvitation(test.db, owner, workspaceId, hasty, 'admin');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, (_, n) =>
        tx((s) =>
          inviteToWorkspace(
            s,
            hasty,
            { workspaceId, email: `burst-${n}@example.com`, role: 'viewer' },
            { policy },
          ),
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        expect(outcome.reason).toBeInstanceOf(TooManyRequestsError);
      }
    }
  });

  it('validates its input strictly', () => {
    const valid = { workspaceId: randomUUID(), email: 'x@example.com', role: 'admin' };
    expect(inviteInput.safeParse(valid).success).toBe(true);
    expect(inviteInput.safeParse({ ...valid, role: 'owner' }).success).toBe(false);
    expect(inviteInput.safeParse({ ...valid, email: 'nope' }).success).toBe(false);
    expect(
      inviteInput.safeParse({ ...valid, email: `${'a'.repeat(250)}@example.com` }).success,
    ).toBe(false);
    expect(inviteInput.safeParse({ ...valid, userId: randomUUID() }).success).toBe(false);
  });
});

describe('receiving, accepting and declining', () => {
  it('the invitee sees the invitation with workspace and inviter, accepts it, and joins with its role', async () => {
    const workspaceId = await team();
    const sent = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'member' },
        { policy: roomy },
      ),
    );
    const received = (await read((s) => listReceivedInvitations(s, invitee))).filter(
      (invitation) => invitation.workspace.id === workspaceId,
    );
    expect(received).toEqual([
      {
        id: sent.id,
        role: 'member',
        expiresAt: sent.expiresAt,
        workspace: {
          id: workspaceId,
          name: expect.any(String),
          slug: expect.stringMatching(/^team-/),
        },
        invitedBy: publicUser(admin),
      },
    ]);
    expect(receivedInvitationSchema.array().parse(received)).toEqual(received);
    expect(await read((s) => listReceivedInvitations(s, outsider))).toEqual([]);

    const accepted = await tx((s) => acceptInvitation(s, invitee, { id: sent.id }));
    expect(accepted).toEqual({
      workspace: {
        id: workspaceId,
        name: received[0]!.workspace.name,
        slug: received[0]!.workspace.slug,
        role: 'member',
      },
    });
    expect(await roleOf(workspaceId, invitee.id)).toBe('member');
    const [latest] = await read((s) => listActivity(s, { workspaceId, limit: 1 }));
    expect(latest).toMatchObject({
      kind: 'member.added',
      actor: publicUser(invitee),
      data: { userId: invitee.id, role: 'member', invitedBy: admin.id },
    });
    // Answered: gone from both lists, and it cannot be used again.
    const left = await read((s) => listReceivedInvitations(s, invitee));
    expect(left.map((invitation) => invitation.id)).not.toContain(sent.id);
    expect(await read((s) => listWorkspaceInvitations(s, owner, { workspaceId }))).toEqual([]);
    await expect(tx((s) => acceptInvitation(s, invitee, { id: sent.id }))).rejects.toThrow(
      new NotFoundError('Invitation'),
    );
  });

  it('an invitation for another email is NOT_FOUND to anyone else, exactly like none at all', async () => {
    const workspaceId = await team();
    const sent = await tx((s) =>
      inviteToWorkspace(
        s,
        owner,
        { workspaceId, email: invitee.email, role: 'admin' },
        { policy: roomy },
      ),
    );
    for (const someone of [outsider, member, admin, owner]) {
      await expect(tx((s) => acceptInvitation(s, someone, { id: sent.id }))).rejects.toThrow(
        new NotFoundError('Invitation'),
      );
      await expect(tx((s) => declineInvitation(s, someone, { id: sent.id }))).rejects.toThrow(
        new NotFoundError('Invitation'),
      );
    }
    await expect(tx((s) => acceptInvitation(s, invitee, { id: randomUUID() }))).rejects.toThrow(
      new NotFoundError('Invitation'),
    );
    expect(await roleOf(workspaceId, outsider.id)).toBeUndefined();
    expect(await roleOf(workspaceId, member.id)).toBe('member');
    await tx((s) => acceptInvitation(s, invitee, { id: sent.id }));
    expect(await roleOf(workspaceId, invitee.id)).toBe('admin');
  });

  it('declining ends the invitation; an expired one cannot be accepted', async () => {
    const workspaceId = await team();
    const declined = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'viewer' },
        { policy: roomy },
      ),
    );
    await tx((s) => declineInvitation(s, invitee, { id: declined.id }));
    await expect(
      tx((s) => acceptInvitation(s, invitee, { id: declined.id })),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      tx((s) => declineInvitation(s, invitee, { id: declined.id })),
    ).rejects.toBeInstanceOf(NotFoundError);

    const expiring = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'viewer' },
        { policy: roomy },
      ),
    );
    expect(expiring.id).not.toBe(declined.id);
    await test.db
      .knex('invitations')
      .where({ id: expiring.id })
      .update({ expires_at: test.db.knex.raw("now() - interval '1 second'") });
    const received = await read((s) => listReceivedInvitations(s, invitee));
    expect(received.map((invitation) => invitation.id)).not.toContain(expiring.id);
    expect(await read((s) => listWorkspaceInvitations(s, admin, { workspaceId }))).toEqual([]);
    await expect(tx((s) => acceptInvitation(s, invitee, { id: expiring.id }))).rejects.toThrow(
      new NotFoundError('Invitation'),
    );
    expect(await roleOf(workspaceId, invitee.id)).toBeUndefined();
    // Inviting again renews it for another week.
    const renewed = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'viewer' },
        { policy: roomy },
      ),
    );
    expect(renewed.id).toBe(expiring.id);
    await tx((s) => acceptInvitation(s, invitee, { id: renewed.id }));
    expect(await roleOf(workspaceId, invitee.id)).toBe('viewer');
  });

  it('two accepts at once make one membership', async () => {
    const workspaceId = await team();
    const sent = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'member' },
        { policy: roomy },
      ),
    );
    const outcomes = await Promise.allSettled([
      tx((s) => acceptInvitation(s, invitee, { id: sent.id })),
      tx((s) => acceptInvitation(s, invitee, { id: sent.id })),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const entries = await read((s) => listActivity(s, { workspaceId, limit: 100 }));
    expect(entries.filter((entry) => entry.data.userId === invitee.id)).toHaveLength(1);
  });
});

describe('listing and revoking a workspace’s invitations', () => {
  it('is for owners and admins; admins cannot revoke an admin invitation; others get NOT_FOUND', async () => {
    const workspaceId = await team();
    const forAdmin = await tx((s) =>
      inviteToWorkspace(
        s,
        owner,
        {
          workspaceId,
          email: 'future-admin@example.com',
          role: 'admin',
        },
        { policy: roomy },
      ),
    );
    const forViewer = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        {
          workspaceId,
          email: 'future-viewer@example.com',
          role: 'viewer',
        },
        { policy: roomy },
      ),
    );
    const listed = await read((s) => listWorkspaceInvitations(s, admin, { workspaceId }));
    expect(listed.map((invitation) => invitation.id)).toEqual([forViewer.id, forAdmin.id]);
    expect(workspaceInvitationSchema.array().parse(listed)).toEqual(listed);
    for (const actor of [member, viewer]) {
      await expect(
        read((s) => listWorkspaceInvitations(s, actor, { workspaceId })),
      ).rejects.toBeInstanceOf(ForbiddenError);
      await expect(
        tx((s) => revokeInvitation(s, actor, { id: forViewer.id })),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
    await expect(
      read((s) => listWorkspaceInvitations(s, outsider, { workspaceId })),
    ).rejects.toThrow(new NotFoundError('Workspace'));
    await expect(tx((s) => revokeInvitation(s, outsider, { id: forViewer.id }))).rejects.toThrow(
      new NotFoundError('Invitation'),
    );
    await expect(tx((s) => revokeInvitation(s, admin, { id: forAdmin.id }))).rejects.toThrow(
      new ForbiddenError('Only the owner manages admins'),
    );

    await tx((s) => revokeInvitation(s, admin, { id: forViewer.id }));
    await tx((s) => revokeInvitation(s, owner, { id: forAdmin.id }));
    expect(await read((s) => listWorkspaceInvitations(s, owner, { workspaceId }))).toEqual([]);
    await expect(tx((s) => revokeInvitation(s, owner, { id: forAdmin.id }))).rejects.toThrow(
      new NotFoundError('Invitation'),
    );
  });

  it('a revoked invitation cannot be accepted', async () => {
    const workspaceId = await team();
    const sent = await tx((s) =>
      inviteToWorkspace(
        s,
        admin,
        { workspaceId, email: invitee.email, role: 'member' },
        { policy: roomy },
      ),
    );
    await tx((s) => revokeInvitation(s, admin, { id: sent.id }));
    await expect(tx((s) => acceptInvitation(s, invitee, { id: sent.id }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await roleOf(workspaceId, invitee.id)).toBeUndefined();
  });
});

describe('purgeStaleInvitations', () => {
  it('deletes invitations answered or expired longer ago than kept, and nothing pending', async () => {
    const workspaceId = await team();
    const invite = (email: string) =>
      tx((s) =>
        inviteToWorkspace(s, owner, { workspaceId, email, role: 'viewer' }, { policy: roomy }),
      );
    const [oldAnswer, oldExpiry, recentAnswer, pending] = [
      await invite('old-answer@example.com'),
      await invite('old-expiry@example.com'),
      await invite('recent-answer@example.com'),
      await invite('still-pending@example.com'),
    ];
    await tx((s) => revokeInvitation(s, owner, { id: oldAnswer.id }));
    await tx((s) => revokeInvitation(s, owner, { id: recentAnswer.id }));
    const ago = (days: number) => test.db.knex.raw(`now() - interval '${days} days'`);
    await test.db
      .knex('invitations')
      .where({ id: oldAnswer.id })
      .update({ answered_at: ago(31) });
    await test.db
      .knex('invitations')
      .where({ id: oldExpiry.id })
      .update({ expires_at: ago(31) });

    const purged = await tx((s) => purgeStaleInvitations(s));
    expect(purged).toBeGreaterThanOrEqual(2);
    const left: string[] = await test.db
      .knex('invitations')
      .whereIn('id', [oldAnswer.id, oldExpiry.id, recentAnswer.id, pending.id])
      .pluck('id');
    expect(left.sort()).toEqual([recentAnswer.id, pending.id].sort());
    expect(await tx((s) => purgeStaleInvitations(s))).toBe(0);
  });
});

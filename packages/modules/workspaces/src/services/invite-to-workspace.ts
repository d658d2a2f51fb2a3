import type { Session } from '@trellis/db';
import { ConflictError, ForbiddenError, TooManyRequestsError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { assertMayManage } from '../access/assert-may-manage';
import { requireRole } from '../access/require-role';
import { INVITATION_LIFETIME_DAYS, inviteInput, type Invitation } from '../invitation-schemas';
import {
  DEFAULT_INVITATION_THROTTLE,
  type InvitationThrottlePolicy,
} from '../invitation-throttle-policy';
import type { InvitableRole } from '../role';

interface InviterState {
  already_member: boolean;
  sent: number;
  seconds_left: number | null;
}

interface InvitationRow {
  id: string;
  email: string;
  role: InvitableRole;
  expires_at: Date;
}

/**
 * Invites an email into the workspace (owner or admin; only the owner invites admins). The
 * answer is the same whether or not the email has an account: nothing here reads `users`
 * except through memberships. An email that is already a member is a ConflictError: only
 * owners and admins get this far, and they see the member list anyway. Inviting a pending
 * email again renews that invitation (role, inviter, 7 more days) instead of adding one.
 * Each inviter may send `policy.maxPerWindow` invitations per window, across workspaces.
 * Queries: role (1), the inviter's lock (1), member and throttle state (1), upsert (1).
 */
export async function inviteToWorkspace(
  session: Session,
  actor: Actor,
  input: z.input<typeof inviteInput>,
  options: { policy?: InvitationThrottlePolicy } = {},
): Promise<Invitation> {
  const { workspaceId, email, role } = inviteInput.parse(input);
  const policy = options.policy ?? DEFAULT_INVITATION_THROTTLE;
  const actorRole = await requireRole(session, actor, workspaceId, 'admin');
  assertMayManage(actorRole, [role]);
  // One inviter's invitations are counted one at a time (until this transaction ends), so
  // invitations sent at the same moment cannot all pass the throttle on the same count. A
  // statement of its own: the count below must see what the previous holder committed.
  await session.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [
    `invitations-of:${actor.userId}`,
  ]);

  const {
    rows: [state],
  } = await session.raw<{ rows: InviterState[] }>(
    `with recent as (
       select sent_at from invitations
        where inviter_id = ? and sent_at > now() - make_interval(secs => ?)
     )
     select exists (
              select 1 from memberships join users on users.id = memberships.user_id
               where memberships.workspace_id = ? and users.email = ?
            ) as already_member,
            (select count(*)::int from recent) as sent,
            (select ceil(extract(epoch from min(sent_at) + make_interval(secs => ?) - now()))::int
               from recent) as seconds_left`,
    [actor.userId, policy.windowSeconds, workspaceId, email, policy.windowSeconds],
  );
  if (state!.sent >= policy.maxPerWindow) {
    throw new TooManyRequestsError(
      'Too many invitations sent; try again later',
      Math.max(1, state!.seconds_left ?? policy.windowSeconds),
    );
  }
  if (state!.already_member) {
    throw new ConflictError('This email already belongs to a member of the workspace');
  }

  // A pending invitation for the email is renewed; one for an admin only by the owner.
  const { rows } = await session.raw<{ rows: InvitationRow[] }>(
    `insert into invitations (workspace_id, email, role, inviter_id, expires_at)
     values (?, ?, ?, ?, now() + make_interval(days => ?))
     on conflict (workspace_id, email) where status = 'pending'
     do update set role = excluded.role, inviter_id = excluded.inviter_id, sent_at = now(),
                   expires_at = excluded.expires_at, updated_at = now()
      where ?::boolean or invitations.role <> 'admin'
     returning id, email, role, expires_at`,
    [workspaceId, email, role, actor.userId, INVITATION_LIFETIME_DAYS, actorRole === 'owner'],
  );
  const invitation = rows[0];
  if (!invitation) throw new ForbiddenError('Only the owner manages admins');
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expires_at,
  };
}

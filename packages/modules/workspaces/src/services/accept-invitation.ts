import { recordActivity } from '@trellis/activity';
import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { invitationIdInput, type AcceptedInvitation } from '../invitation-schemas';
import { WorkspaceModel } from '../models/workspace-model';
import { MAX_MEMBERS_PER_WORKSPACE, MAX_WORKSPACES_PER_USER } from '../schemas';
import type { InvitableRole } from '../role';

const ALREADY_MEMBER = 'memberships_pkey';

interface AcceptRow {
  inviter_id: string;
  actor_full: boolean;
  workspace_full: boolean;
  workspace_id: string | null;
  role: InvitableRole | null;
}

/**
 * Accepts a pending, unexpired invitation for the actor's own email: the actor becomes a
 * member with the invited role, and `member.added` is recorded. An invitation for another
 * email, an expired or answered one, and no invitation at all are the same NotFoundError.
 * One statement marks the invitation accepted and inserts the membership, so two accepts at
 * once make one member. The quotas are checked in that statement too (no extra query): an actor
 * who already belongs to MAX_WORKSPACES_PER_USER workspaces, or a workspace that already has
 * MAX_MEMBERS_PER_WORKSPACE members, is a ConflictError and the invitation stays pending.
 * Queries: accept (1), workspace (1), activity (1).
 */
export async function acceptInvitation(
  session: Session,
  actor: Actor,
  input: z.input<typeof invitationIdInput>,
): Promise<AcceptedInvitation> {
  const { id } = invitationIdInput.parse(input);
  let row: AcceptRow | undefined;
  try {
    const { rows } = await session.raw<{ rows: AcceptRow[] }>(
      `with invitation as (
         select invitations.id, invitations.inviter_id,
                (select count(*) from memberships where user_id = ?) >= ? as actor_full,
                (select count(*) from memberships
                  where memberships.workspace_id = invitations.workspace_id) >= ? as workspace_full
           from invitations
          where invitations.id = ? and invitations.status = 'pending'
            and invitations.expires_at > now()
            and invitations.email = (select email from users where id = ?)
       ),
       accepted as (
         update invitations
            set status = 'accepted', answered_at = now(), updated_at = now()
           from invitation
          where invitations.id = invitation.id and invitations.status = 'pending'
            and invitations.expires_at > now()
            and not invitation.actor_full and not invitation.workspace_full
         returning invitations.workspace_id, invitations.role
       ),
       joined as (
         insert into memberships (workspace_id, user_id, role)
         select workspace_id, ?, role from accepted
         returning workspace_id, role
       )
       select invitation.inviter_id, invitation.actor_full, invitation.workspace_full,
              joined.workspace_id, joined.role
         from invitation left join joined on true`,
      [
        actor.userId,
        MAX_WORKSPACES_PER_USER,
        MAX_MEMBERS_PER_WORKSPACE,
        id,
        actor.userId,
        actor.userId,
      ],
    );
    row = rows[0];
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === ALREADY_MEMBER) {
      throw new ConflictError('You are already a member of this workspace');
    }
    throw error;
  }
  if (row?.actor_full) {
    throw new ConflictError(
      `A user belongs to at most ${MAX_WORKSPACES_PER_USER} workspaces; leave one before accepting`,
    );
  }
  if (row?.workspace_full) {
    throw new ConflictError(
      `A workspace holds at most ${MAX_MEMBERS_PER_WORKSPACE} members; this one is full`,
    );
  }
  // No invitation, or another accept of it committed first.
  const joined =
    row?.workspace_id && row.role
      ? { workspace_id: row.workspace_id, role: row.role, inviter_id: row.inviter_id }
      : undefined;
  if (!joined) throw new NotFoundError('Invitation');

  const workspace = await WorkspaceModel.query(session)
    .select('id', 'name', 'slug')
    .findById(joined.workspace_id);
  if (!workspace) throw new NotFoundError('Invitation');
  await recordActivity(session, {
    workspaceId: joined.workspace_id,
    actorId: actor.userId,
    kind: 'member.added',
    data: { userId: actor.userId, role: joined.role, invitedBy: joined.inviter_id },
  });
  return {
    workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug, role: joined.role },
  };
}

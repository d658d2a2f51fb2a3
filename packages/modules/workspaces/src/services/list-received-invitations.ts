import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { ReceivedInvitation } from '../invitation-schemas';
import type { InvitableRole } from '../role';

/** At most this many are listed, newest first: strangers' invitations cannot make it huge. */
export const RECEIVED_INVITATIONS_LIMIT = 100;

interface ReceivedRow {
  id: string;
  role: InvitableRole;
  expires_at: Date;
  workspace_id: string;
  workspace_name: string;
  workspace_slug: string;
  inviter_id: string;
  inviter_email: string;
  inviter_name: string;
}

/** The actor's pending, unexpired invitations with workspace and inviter, in one query. */
export async function listReceivedInvitations(
  session: Session,
  actor: Actor,
): Promise<ReceivedInvitation[]> {
  const { rows } = await session.raw<{ rows: ReceivedRow[] }>(
    `select invitations.id, invitations.role, invitations.expires_at,
            workspaces.id as workspace_id, workspaces.name as workspace_name,
            workspaces.slug as workspace_slug,
            inviter.id as inviter_id, inviter.email as inviter_email, inviter.name as inviter_name
       from users as invitee
       join invitations on invitations.email = invitee.email
       join workspaces on workspaces.id = invitations.workspace_id
       join users as inviter on inviter.id = invitations.inviter_id
      where invitee.id = ? and invitations.status = 'pending' and invitations.expires_at > now()
      order by invitations.sent_at desc, invitations.id
      limit ?`,
    [actor.userId, RECEIVED_INVITATIONS_LIMIT],
  );
  return rows.map((row) => ({
    id: row.id,
    role: row.role,
    expiresAt: row.expires_at,
    workspace: { id: row.workspace_id, name: row.workspace_name, slug: row.workspace_slug },
    invitedBy: { id: row.inviter_id, email: row.inviter_email, name: row.inviter_name },
  }));
}

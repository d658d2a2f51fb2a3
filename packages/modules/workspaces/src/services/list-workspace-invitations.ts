import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { requireRole } from '../access/require-role';
import { workspaceInvitationsInput, type WorkspaceInvitation } from '../invitation-schemas';
import type { InvitableRole } from '../role';

/** At most this many are listed, newest first (the per-inviter throttle keeps it far lower). */
export const WORKSPACE_INVITATIONS_LIMIT = 200;

interface PendingRow {
  id: string;
  email: string;
  role: InvitableRole;
  expires_at: Date;
  inviter_id: string;
  inviter_email: string;
  inviter_name: string;
}

/** A workspace's pending, unexpired invitations (owner or admin). Queries: role (1), list (1). */
export async function listWorkspaceInvitations(
  session: Session,
  actor: Actor,
  input: z.input<typeof workspaceInvitationsInput>,
): Promise<WorkspaceInvitation[]> {
  const { workspaceId } = workspaceInvitationsInput.parse(input);
  await requireRole(session, actor, workspaceId, 'admin');
  const { rows } = await session.raw<{ rows: PendingRow[] }>(
    `select invitations.id, invitations.email, invitations.role, invitations.expires_at,
            inviter.id as inviter_id, inviter.email as inviter_email, inviter.name as inviter_name
       from invitations join users as inviter on inviter.id = invitations.inviter_id
      where invitations.workspace_id = ? and invitations.status = 'pending'
        and invitations.expires_at > now()
      order by invitations.sent_at desc, invitations.id
      limit ?`,
    [workspaceId, WORKSPACE_INVITATIONS_LIMIT],
  );
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at,
    invitedBy: { id: row.inviter_id, email: row.inviter_email, name: row.inviter_name },
  }));
}

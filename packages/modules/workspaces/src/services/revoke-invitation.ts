import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { assertMayManage } from '../access/assert-may-manage';
import { assertRole } from '../access/assert-role';
import { joinActorRole } from '../access/join-actor-role';
import { invitationIdInput } from '../invitation-schemas';
import { InvitationModel } from '../models/invitation-model';
import type { Role } from '../role';

/**
 * Revokes a pending invitation (owner or admin of its workspace; an admin invitation only the
 * owner). Non-members get NotFoundError, as for an invitation that does not exist or was
 * answered. Queries: invitation with the actor's role (1), revoke (1).
 */
export async function revokeInvitation(
  session: Session,
  actor: Actor,
  input: z.input<typeof invitationIdInput>,
): Promise<void> {
  const { id } = invitationIdInput.parse(input);
  const query = InvitationModel.query(session)
    .select('invitations.id', 'invitations.role')
    .where('invitations.id', id)
    .where('invitations.status', 'pending')
    .first();
  const invitation = (await joinActorRole(query, actor, 'invitations.workspace_id')) as
    (InvitationModel & { actorRole: Role }) | undefined;
  const actorRole = assertRole(invitation?.actorRole, 'admin', 'Invitation');
  assertMayManage(actorRole, [invitation!.role]);
  const revoked = await InvitationModel.query(session)
    .patch({ status: 'revoked', answeredAt: new Date() })
    .where({ id, status: 'pending' });
  // Answered by its invitee between our two statements.
  if (revoked === 0) throw new NotFoundError('Invitation');
}

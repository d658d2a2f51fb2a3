import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { invitationIdInput } from '../invitation-schemas';

/**
 * Declines a pending invitation for the actor's own email (an expired one too: declining
 * tidies up). Anyone else's invitation is NotFoundError, as is one that does not exist. One query.
 */
export async function declineInvitation(
  session: Session,
  actor: Actor,
  input: z.input<typeof invitationIdInput>,
): Promise<void> {
  const { id } = invitationIdInput.parse(input);
  const { rows } = await session.raw<{ rows: Array<{ id: string }> }>(
    `update invitations set status = 'declined', answered_at = now(), updated_at = now()
      where id = ? and status = 'pending' and email = (select email from users where id = ?)
     returning id`,
    [id, actor.userId],
  );
  if (rows.length === 0) throw new NotFoundError('Invitation');
}

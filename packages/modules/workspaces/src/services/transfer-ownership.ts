import { recordActivity } from '@trellis/activity';
import type { Session } from '@trellis/db';
import { ForbiddenError, InvalidInputError, NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { requireRole } from '../access/require-role';
import { MembershipModel } from '../models/membership-model';
import { transferOwnershipInput } from '../schemas';

/**
 * The owner hands the workspace to one of its admins and becomes an admin. The old owner is
 * demoted first, in a statement that only matches while the actor is still the owner, so of
 * two transfers at once the second finds no owner row to demote (ForbiddenError) and rolls
 * back; the database keeps exactly one owner (unique index + deferred trigger).
 * Queries: role (1), demote (1), promote (1), activity (1); a refused target adds one.
 */
export async function transferOwnership(
  session: Session,
  actor: Actor,
  input: z.input<typeof transferOwnershipInput>,
): Promise<void> {
  const { workspaceId, userId } = transferOwnershipInput.parse(input);
  await requireRole(session, actor, workspaceId, 'owner');
  if (userId === actor.userId) {
    throw new InvalidInputError(['userId'], 'You already own this workspace');
  }
  const demoted = await MembershipModel.query(session)
    .patch({ role: 'admin' })
    .where({ workspace_id: workspaceId, user_id: actor.userId, role: 'owner' });
  if (demoted === 0) throw new ForbiddenError('You no longer own this workspace');
  const promoted = await MembershipModel.query(session)
    .patch({ role: 'owner' })
    .where({ workspace_id: workspaceId, user_id: userId, role: 'admin' });
  if (promoted === 0) {
    const target = await MembershipModel.query(session)
      .select('role')
      .where({ workspace_id: workspaceId, user_id: userId })
      .first();
    if (!target) throw new NotFoundError('Member');
    throw new InvalidInputError(['userId'], 'Ownership can only go to an admin of the workspace');
  }
  await recordActivity(session, {
    workspaceId,
    actorId: actor.userId,
    kind: 'workspace.ownership_transferred',
    data: { from: actor.userId, to: userId },
  });
}

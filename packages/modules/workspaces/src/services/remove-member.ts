import { recordActivity } from '@trellis/activity';
import type { Session } from '@trellis/db';
import { ForbiddenError, NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { assertMayManage } from '../access/assert-may-manage';
import { requireRole } from '../access/require-role';
import { MembershipModel } from '../models/membership-model';
import { removeMemberInput } from '../schemas';

/**
 * Removes a member and records `member.removed` in the same transaction. Admins remove members
 * and viewers; only the owner removes admins; the owner cannot be removed (ForbiddenError).
 * A user who is not a member is NotFoundError('Member'). People leave with leaveWorkspace.
 */
export async function removeMember(
  session: Session,
  actor: Actor,
  input: z.input<typeof removeMemberInput>,
): Promise<void> {
  const { workspaceId, userId } = removeMemberInput.parse(input);
  const actorRole = await requireRole(session, actor, workspaceId, 'admin');
  const target = await MembershipModel.query(session)
    .select('role')
    .where({ workspace_id: workspaceId, user_id: userId })
    .first();
  if (!target) throw new NotFoundError('Member');
  if (target.role === 'owner') throw new ForbiddenError('The owner cannot be removed');
  assertMayManage(actorRole, [target.role]);
  await MembershipModel.query(session)
    .delete()
    .where({ workspace_id: workspaceId, user_id: userId, role: target.role });
  await recordActivity(session, {
    workspaceId,
    actorId: actor.userId,
    kind: 'member.removed',
    data: { userId, role: target.role },
  });
}

import { recordActivity } from '@trellis/activity';
import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { assertMayManage } from '../access/assert-may-manage';
import { requireRole } from '../access/require-role';
import { MembershipModel } from '../models/membership-model';
import type { InvitableRole } from '../role';
import { setRoleInput } from '../schemas';

/**
 * Changes a member's role under the role rules: admins move people between member and viewer;
 * only the owner promotes to or demotes from admin; the owner's role moves only by transfer.
 * Records `member.role_changed` { userId, from, to } (nothing when the role is unchanged).
 * Queries: actor role (1), target locked (1), update (1), activity (1).
 */
export async function setMemberRole(
  session: Session,
  actor: Actor,
  input: z.input<typeof setRoleInput>,
): Promise<{ userId: string; role: InvitableRole }> {
  const { workspaceId, userId, role } = setRoleInput.parse(input);
  const actorRole = await requireRole(session, actor, workspaceId, 'admin');
  const target = await MembershipModel.query(session)
    .select('role')
    .where({ workspace_id: workspaceId, user_id: userId })
    .forUpdate()
    .first();
  if (!target) throw new NotFoundError('Member');
  assertMayManage(actorRole, [target.role, role]);
  if (target.role === role) return { userId, role };
  await MembershipModel.query(session)
    .patch({ role })
    .where({ workspace_id: workspaceId, user_id: userId });
  await recordActivity(session, {
    workspaceId,
    actorId: actor.userId,
    kind: 'member.role_changed',
    data: { userId, from: target.role, to: role },
  });
  return { userId, role };
}

import { recordActivity } from '@trellis/activity';
import type { Session } from '@trellis/db';
import { ConflictError, ForbiddenError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { requireRole } from '../access/require-role';
import { MembershipModel } from '../models/membership-model';
import { leaveWorkspaceInput } from '../schemas';

/**
 * The actor leaves the workspace (any member but the owner, who transfers ownership first)
 * and `member.left` is recorded. Non-members get NotFoundError('Workspace').
 * Queries: role (1), delete (1), activity (1).
 */
export async function leaveWorkspace(
  session: Session,
  actor: Actor,
  input: z.input<typeof leaveWorkspaceInput>,
): Promise<void> {
  const { workspaceId } = leaveWorkspaceInput.parse(input);
  const role = await requireRole(session, actor, workspaceId, 'viewer');
  if (role === 'owner') {
    throw new ForbiddenError('The owner cannot leave; transfer ownership to an admin first');
  }
  const left = await MembershipModel.query(session)
    .delete()
    .where({ workspace_id: workspaceId, user_id: actor.userId, role });
  // The role changed since we read it (e.g. ownership was transferred to the actor).
  if (left === 0) throw new ConflictError('Your membership changed meanwhile; try again');
  await recordActivity(session, {
    workspaceId,
    actorId: actor.userId,
    kind: 'member.left',
    data: { userId: actor.userId, role },
  });
}

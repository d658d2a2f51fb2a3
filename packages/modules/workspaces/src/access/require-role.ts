import type { Session } from '@trellis/db';
import { idSchema, type Actor } from '@trellis/kernel';
import { MembershipModel } from '../models/membership-model';
import type { Role } from '../role';
import { assertRole } from './assert-role';

/** The actor's role in the workspace, checked against `minimum` in one query. */
export async function requireRole(
  session: Session,
  actor: Actor,
  workspaceId: string,
  minimum: Role,
): Promise<Role> {
  if (!idSchema.safeParse(workspaceId).success) return assertRole(null, minimum, 'Workspace');
  const membership = await MembershipModel.query(session)
    .select('role')
    .where({ workspace_id: workspaceId, user_id: actor.userId })
    .first();
  return assertRole(membership?.role, minimum, 'Workspace');
}

import type { Session } from '@trellis/db';
import { listActivity, listActivityInput, type ActivityEntry } from '@trellis/activity';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { requireRole } from '../access/require-role';

/**
 * A workspace's activity feed for one of its members (any role), newest first. The activity
 * module sits below workspaces and knows no members, so the membership check and the read are
 * put together here; a non-member gets NotFoundError, as for a workspace that does not exist.
 */
export async function listWorkspaceActivity(
  session: Session,
  actor: Actor,
  input: z.input<typeof listActivityInput>,
): Promise<ActivityEntry[]> {
  const { workspaceId } = listActivityInput.parse(input);
  await requireRole(session, actor, workspaceId, 'viewer');
  return listActivity(session, input);
}

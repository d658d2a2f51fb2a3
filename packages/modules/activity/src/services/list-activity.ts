import type { Session } from '@trellis/db';
import type { z } from 'zod';
import { ActivityModel } from '../models/activity-model';
import { listActivityInput, type ActivityEntry } from '../schemas';

/**
 * The newest entries of a workspace, newest first, each with its actor.
 * The caller checks that the actor is a member of the workspace first.
 */
export async function listActivity(
  session: Session,
  input: z.input<typeof listActivityInput>,
): Promise<ActivityEntry[]> {
  const { workspaceId, limit } = listActivityInput.parse(input);
  const rows = await ActivityModel.query(session)
    .select('id', 'kind', 'actor_id', 'task_id', 'data', 'created_at')
    .where('workspace_id', workspaceId)
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit)
    .withGraphFetched('actor')
    .modifyGraph('actor', (users) => {
      users.select('users.id', 'users.email', 'users.name');
    });
  return rows.map((row) => {
    const actor = row.actor!;
    return {
      id: row.id,
      kind: row.kind,
      actor: { id: actor.id, email: actor.email, name: actor.name },
      taskId: row.taskId,
      createdAt: row.createdAt,
      data: { ...row.data },
    };
  });
}

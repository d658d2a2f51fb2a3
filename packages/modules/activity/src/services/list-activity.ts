import type { Session } from '@trellis/db';
import type { z } from 'zod';
import { ActivityModel } from '../models/activity-model';
import { listActivityInput, type ActivityEntry } from '../schemas';
import { entryColumns, toActivityEntry } from './entry-columns';

/**
 * The newest entries of a workspace, newest first, each with its actor; with `before`, the
 * entries older than that one (the next page). Entries of a deleted task keep its key but not
 * its title. The caller checks that the actor is a member first.
 */
export async function listActivity(
  session: Session,
  input: z.input<typeof listActivityInput>,
): Promise<ActivityEntry[]> {
  const { workspaceId, limit, before } = listActivityInput.parse(input);
  const query = ActivityModel.query(session)
    .select(entryColumns(session))
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
  if (before !== undefined) {
    void query.whereRaw(
      '(activity.created_at, activity.id) < (select a.created_at, a.id from activity a where a.id = ? and a.workspace_id = ?)',
      [before, workspaceId],
    );
  }
  const rows = await query;
  return rows.map(toActivityEntry);
}

import type { Session } from '@trellis/db';
import type { z } from 'zod';
import { TASK_CONTENT_FIELDS } from '../activity-kind';
import { ActivityModel } from '../models/activity-model';
import { listActivityInput, type ActivityEntry } from '../schemas';

/**
 * `data`, without the task's content when the entry's task has been deleted (its
 * `task.deleted` entry exists; index activity_deleted_tasks_idx). Decided at read time because
 * the feed is append-only: nothing rewrites an entry, not even a delete.
 */
const DATA_WITHOUT_DELETED_TASK_CONTENT = `case when activity.task_id is not null and exists (
    select 1 from activity as deleted
     where deleted.workspace_id = activity.workspace_id
       and deleted.task_id = activity.task_id
       and deleted.kind = 'task.deleted'
  ) then activity.data - ?::text[] else activity.data end as data`;

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
    .select('id', 'kind', 'actor_id', 'task_id', 'created_at')
    .select(session.knex.raw(DATA_WITHOUT_DELETED_TASK_CONTENT, [[...TASK_CONTENT_FIELDS]]))
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

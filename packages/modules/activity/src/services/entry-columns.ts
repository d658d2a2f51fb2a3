import type { Session } from '@trellis/db';
import { TASK_CONTENT_FIELDS } from '../activity-kind';
import type { ActivityModel } from '../models/activity-model';
import type { ActivityEntry } from '../schemas';

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

/** The columns of an entry as the feed shows it (activity.list and live events alike). */
export function entryColumns(session: Session) {
  return [
    'activity.id',
    'activity.kind',
    'activity.actor_id',
    'activity.task_id',
    'activity.created_at',
    session.knex.raw(DATA_WITHOUT_DELETED_TASK_CONTENT, [[...TASK_CONTENT_FIELDS]]),
  ];
}

/** A row read with entryColumns and its `actor` fetched, as the entry clients see. */
export function toActivityEntry(row: ActivityModel): ActivityEntry {
  const actor = row.actor!;
  return {
    id: row.id,
    kind: row.kind,
    actor: { id: actor.id, email: actor.email, name: actor.name },
    taskId: row.taskId,
    createdAt: row.createdAt,
    data: { ...row.data },
  };
}

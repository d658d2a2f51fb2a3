import type { Session } from '@trellis/db';
import type { ActivityKind } from '../activity-kind';
import { ActivityModel } from '../models/activity-model';

export interface ActivityRecord {
  workspaceId: string;
  actorId: string;
  kind: ActivityKind;
  taskId?: string | null;
  data?: Record<string, unknown>;
}

function toRow(entry: ActivityRecord) {
  return {
    workspaceId: entry.workspaceId,
    actorId: entry.actorId,
    kind: entry.kind,
    taskId: entry.taskId ?? null,
    data: entry.data ?? {},
  };
}

/** Appends one entry in the caller's transaction, so it commits or rolls back with the change it describes. */
export async function recordActivity(session: Session, entry: ActivityRecord): Promise<void> {
  // On every write's path: one prepared statement, no query builder (issue 10).
  const row = toRow(entry);
  await session.query(
    RECORD_ACTIVITY_SQL,
    [row.workspaceId, row.actorId, row.kind, row.taskId, JSON.stringify(row.data)],
    { prepare: true },
  );
}

const RECORD_ACTIVITY_SQL =
  'insert into activity (workspace_id, actor_id, kind, task_id, data) values ($1, $2, $3, $4, $5::jsonb)';

// Five parameters a row: this keeps one statement well under PostgreSQL's 65,535 parameters.
const ROWS_PER_STATEMENT = 5_000;

/** Appends many entries (bulk imports) with one statement per 5,000 entries. */
export async function recordActivities(
  session: Session,
  entries: readonly ActivityRecord[],
): Promise<void> {
  for (let start = 0; start < entries.length; start += ROWS_PER_STATEMENT) {
    await ActivityModel.query(session).insert(
      entries.slice(start, start + ROWS_PER_STATEMENT).map(toRow),
    );
  }
}

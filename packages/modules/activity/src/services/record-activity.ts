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

/** Appends one entry in the caller's transaction, so it commits or rolls back with the change it describes. */
export async function recordActivity(session: Session, entry: ActivityRecord): Promise<void> {
  await ActivityModel.query(session).insert({
    workspaceId: entry.workspaceId,
    actorId: entry.actorId,
    kind: entry.kind,
    taskId: entry.taskId ?? null,
    data: entry.data ?? {},
  });
}

import type { Session } from '@trellis/db';
import { idSchema } from '@trellis/kernel';
import { TaskModel } from '../models/task-model';
import { CLOSED_STATUSES } from '../types';

/**
 * How many open tasks (status neither done nor canceled) each project has, in ONE query.
 * Every requested project is in the map, with 0 when it has none. No access check: the caller
 * passes projects it has already authorised (e.g. from listProjects).
 */
export async function countOpenTasks(
  session: Session,
  projectIds: readonly string[],
): Promise<Map<string, number>> {
  const ids = [...new Set(projectIds)];
  const counts = new Map<string, number>(ids.map((id) => [id, 0]));
  // Something that is no UUID names no project: it counts 0 instead of failing the query.
  const queryIds = ids.filter((id) => idSchema.safeParse(id).success);
  if (queryIds.length === 0) return counts;
  const rows = (await TaskModel.query(session)
    .select('tasks.project_id')
    .count('* as open_count')
    .whereIn('tasks.project_id', queryIds)
    .whereNotIn('tasks.status', [...CLOSED_STATUSES])
    .groupBy('tasks.project_id')) as unknown as Array<{ projectId: string; openCount: string }>;
  for (const row of rows) counts.set(row.projectId, Number(row.openCount));
  return counts;
}

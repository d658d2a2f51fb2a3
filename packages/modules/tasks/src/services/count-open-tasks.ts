import type { Session } from '@trellis/db';
import { idSchema } from '@trellis/kernel';

/**
 * How many open tasks (status neither done nor canceled) each project has, in ONE query, read
 * from the counters the tasks triggers keep (not by counting tasks: that grows with the data).
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
  // task_open_counts is kept by triggers on tasks (migration 20261130020100): at most 16 rows
  // per project to add up, however many tasks it holds.
  const result = await session.raw<{ rows: Array<{ project_id: string; open_count: number }> }>(
    `select project_id, sum(open_count)::int as open_count
     from task_open_counts
     where project_id = any(?::uuid[])
     group by project_id`,
    [queryIds],
  );
  for (const row of result.rows) counts.set(row.project_id, row.open_count);
  return counts;
}

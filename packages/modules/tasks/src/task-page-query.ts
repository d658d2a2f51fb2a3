import type { Session } from '@trellis/db';
import { raw, type QueryBuilder } from 'objection';
import { TaskModel } from './models/task-model';
import type { TaskStatus } from './types';

/** What a page of listTasks is filtered by; `before` is the cursor's number. */
export interface TaskPageFilters {
  projectId: string;
  before?: number;
  status?: TaskStatus;
  /** A user id, or null for unassigned tasks. */
  assigneeId?: string | null;
  labelId?: string;
  search?: string;
}

type Condition = readonly [sql: string, bindings: readonly unknown[]];

const SEARCH_CONDITION = "tasks.title_words @@ plainto_tsquery('simple', ?)";

/** The filters as SQL conditions on `tasks`, each with its bindings (nothing interpolated). */
function conditionsOf(filters: TaskPageFilters): Condition[] {
  const conditions: Condition[] = [['tasks.project_id = ?', [filters.projectId]]];
  if (filters.before !== undefined) conditions.push(['tasks.number < ?', [filters.before]]);
  if (filters.status) conditions.push(['tasks.status = ?', [filters.status]]);
  if (filters.assigneeId === null) conditions.push(['tasks.assignee_id is null', []]);
  else if (filters.assigneeId) conditions.push(['tasks.assignee_id = ?', [filters.assigneeId]]);
  if (filters.labelId) {
    conditions.push([
      'exists (select 1 from task_labels where task_labels.task_id = tasks.id and task_labels.label_id = ?)',
      [filters.labelId],
    ]);
  }
  if (filters.search) {
    // The stored words (tasks_title_words_idx): testing a row costs no to_tsvector.
    conditions.push([SEARCH_CONDITION, [filters.search]]);
  }
  return conditions;
}

/**
 * The tasks of one page (`size` rows at most), newest first, as ONE statement.
 *
 * Without a search, the page walks (project_id, number) backwards, or the (project_id,
 * status | assignee_id, number) index when those filter it, and stops when the page is full.
 *
 * With a search, that walk is right for a word many titles contain (it meets matches at once)
 * and ruinous for a word that few or none contain (it reads the whole project: 1.3-2 s at
 * 1M tasks). PostgreSQL cannot tell the two apart for a word missing from its statistics (it
 * assumes 0.5% of rows match), so the statement first probes: up to `size` tasks of the
 * project (below the cursor) that match the search alone. For a frequent word PostgreSQL
 * knows from its statistics that walking finds them at once;
 * for a rare or unknown word the GIN index answers in a few buffers. Fewer than `size` means
 * every match is in the probe: the page is taken from those ids, other filters applied
 * (branch one). Otherwise the words are frequent and the walk runs with every filter (branch
 * two). The probe runs once (a materialized CTE); each branch is gated by a one-time filter
 * on its count, so only one of them reads tasks (parallel workers are off for tasks: they
 * would start before the gate is read).
 */
export function taskPageQuery(
  session: Session,
  filters: TaskPageFilters,
  size: number,
): QueryBuilder<TaskModel, TaskModel[]> {
  const conditions = conditionsOf(filters);
  if (!filters.search) {
    const query = TaskModel.query(session);
    for (const [sql, values] of conditions) void query.whereRaw(sql, [...values]);
    return query;
  }
  const where = conditions.map(([sql]) => sql).join(' and ');
  const bindings = conditions.flatMap(([, values]) => values);
  // Branch two runs only for frequent words, where the walk meets matches at once; a GIN
  // bitmap would instead read every match in the table (100k for a common word at 1M tasks)
  // and PostgreSQL picks one when other filters make the page look sparse. coalesce(...) is
  // the same test (a title is never null) in a form the GIN index cannot serve.
  const walkWhere = conditions
    .map(([sql]) => (sql === SEARCH_CONDITION ? `coalesce(${sql}, false)` : sql))
    .join(' and ');
  // The probe's own filters: the project, the cursor and the search, nothing else.
  const probe = conditionsOf({
    projectId: filters.projectId,
    before: filters.before,
    search: filters.search,
  });
  const page = raw(
    `(
      with probe as materialized (
        select tasks.id from tasks where ${probe.map(([sql]) => sql).join(' and ')} limit ?
      )
      (select tasks.* from tasks
        where (select count(*) from probe) < ?
          and tasks.id = any(array(select id from probe))
          and ${where}
        order by tasks.number desc limit ?)
      union all
      (select tasks.* from tasks
        where (select count(*) from probe) >= ?
          and ${walkWhere}
        order by tasks.number desc limit ?)
    ) as tasks`,
    [
      ...probe.flatMap(([, values]) => values),
      size,
      size,
      ...bindings,
      size,
      size,
      ...bindings,
      size,
    ],
  );
  return TaskModel.query(session).from(page);
}

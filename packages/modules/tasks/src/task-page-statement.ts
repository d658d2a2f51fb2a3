import { CompiledStatement, type Session } from '@trellis/db';
import { raw } from 'objection';
import { taskPageQuery, type TaskPageFilters } from './task-page-query';
import {
  TASK_LABELS_SELECT,
  selectTaskWithUsers,
  type TaskLabelsColumn,
  type TaskRow,
} from './task-query';

/** A row of a task page, as PostgreSQL sends it. */
export type TaskPageRecord = TaskRow & TaskLabelsColumn & { commentCount: number };

type PageParam = 'projectId' | 'before' | 'status' | 'assigneeId' | 'labelId' | 'search' | 'size';

/** One compiled statement per combination of filters: each is its own SQL text and plan. */
const statements = new Map<string, CompiledStatement<PageParam>>();

/**
 * A page of tasks (`size` rows at most, newest first) with their users, comment counts and
 * labels: ONE statement, taskPageQuery's, built once per combination of filters.
 *
 * Prepared (planned once per connection) when it filters only by project, cursor, status or
 * assignee: each of those walks its own (project_id, …, number) index whatever the values, so a
 * generic plan is the plan. A search or a label filter runs unnamed, planned with its values:
 * the search's probe, and a label's frequency (walk the page, or start from the label's few
 * tasks), depend on them (bench/results/growth.md).
 */
export function readTaskPage(
  session: Session,
  filters: TaskPageFilters,
  size: number,
): Promise<TaskPageRecord[]> {
  const assignee =
    filters.assigneeId === null ? 'null' : filters.assigneeId === undefined ? 'any' : 'one';
  const key = [
    filters.before !== undefined,
    filters.status !== undefined,
    assignee,
    filters.labelId !== undefined,
    filters.search !== undefined,
  ].join();
  let statement = statements.get(key);
  if (!statement) {
    statement = compilePageStatement(filters);
    statements.set(key, statement);
  }
  return statement.run<TaskPageRecord>(session, { ...filters, size } as Record<PageParam, unknown>);
}

function compilePageStatement(shape: TaskPageFilters): CompiledStatement<PageParam> {
  const params: PageParam[] = ['projectId', 'size'];
  if (shape.before !== undefined) params.push('before');
  if (shape.status !== undefined) params.push('status');
  if (typeof shape.assigneeId === 'string') params.push('assigneeId');
  if (shape.labelId !== undefined) params.push('labelId');
  if (shape.search !== undefined) params.push('search');
  return new CompiledStatement(
    params,
    (session, param, numberParam) => {
      // The builders take values; each present filter gets its placeholder instead.
      const filters = {
        projectId: param('projectId'),
        ...(shape.before !== undefined ? { before: numberParam('before') } : {}),
        ...(shape.status !== undefined ? { status: param('status') } : {}),
        ...(shape.assigneeId === null ? { assigneeId: null } : {}),
        ...(typeof shape.assigneeId === 'string' ? { assigneeId: param('assigneeId') } : {}),
        ...(shape.labelId !== undefined ? { labelId: param('labelId') } : {}),
        ...(shape.search !== undefined ? { search: param('search') } : {}),
      } as TaskPageFilters;
      return selectTaskWithUsers(taskPageQuery(session, filters, numberParam('size')))
        .select(
          raw(
            '(select count(*)::int from comments where comments.task_id = tasks.id) as "commentCount"',
          ),
        )
        .select(raw(TASK_LABELS_SELECT))
        .orderBy('tasks.number', 'desc')
        .limit(numberParam('size'));
    },
    { prepare: shape.search === undefined && shape.labelId === undefined },
  );
}

import type { QueryBuilder } from 'objection';
import { labelsJsonSql, type Label } from '@trellis/labels';
import type { CommentModel } from './models/comment-model';
import type { TaskModel } from './models/task-model';
import { COMMENTS_FIRST_PAGE } from './schemas';

/**
 * How tasks are read, so that a read costs the same number of queries whatever the data:
 *
 * - the reporter and the assignee are joined into the task query itself (one row per task,
 *   users by primary key), so they cost no query at all, assigned or not;
 * - the labels (many-to-many) are aggregated into each task's row as JSON by a correlated
 *   subquery (TASK_LABELS_SELECT), in the same statement: a page of 50 costs no extra query;
 * - getTask's first comments come the same way, each joined with its author, so 0 and 20
 *   comments cost the same one statement.
 * withGraphFetched (one query per relation) was the first design; on the hot reads each extra
 * statement is a round trip, the largest cost of a short request (issue 10's profiles).
 */

/** The user columns joined into a task row. */
export interface TaskUserColumns {
  reporterEmail: string;
  reporterName: string;
  assigneeEmail: string | null;
  assigneeName: string | null;
}

/** A task's own columns, as plain data (what a TaskModel holds, without its methods). */
export type TaskFields = Pick<
  TaskModel,
  | 'id'
  | 'projectId'
  | 'number'
  | 'title'
  | 'description'
  | 'status'
  | 'priority'
  | 'assigneeId'
  | 'reporterId'
  | 'dueDate'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

export type TaskRow = TaskFields & TaskUserColumns;

/**
 * The task's columns and its reporter's and assignee's public columns, each under the name the
 * model gives it (`"projectId"`), so that a row has TaskRow's shape whether Objection maps it
 * (the names are already camelCase: its snake_case mapping leaves them as they are) or a
 * CompiledStatement returns it as PostgreSQL sent it.
 */
const TASK_WITH_USERS_COLUMNS = [
  'tasks.id',
  'tasks.project_id as projectId',
  'tasks.number',
  'tasks.title',
  'tasks.description',
  'tasks.status',
  'tasks.priority',
  'tasks.assignee_id as assigneeId',
  'tasks.reporter_id as reporterId',
  'tasks.due_date as dueDate',
  'tasks.version',
  'tasks.created_at as createdAt',
  'tasks.updated_at as updatedAt',
  'reporter.email as reporterEmail',
  'reporter.name as reporterName',
  'assignee.email as assigneeEmail',
  'assignee.name as assigneeName',
] as const;

/** Adds the task's columns and its reporter's and assignee's public columns to `query`. */
export function selectTaskWithUsers<QB extends QueryBuilder<TaskModel, unknown>>(query: QB): QB {
  return query
    .select(...TASK_WITH_USERS_COLUMNS)
    .join('users as reporter', 'reporter.id', 'tasks.reporter_id')
    .leftJoin('users as assignee', 'assignee.id', 'tasks.assignee_id');
}

/**
 * A task's labels as one JSON array of `Label`s, selected into the task's own row as
 * `labelList`: for a page of 50 or a single task, no query of its own.
 */
export const TASK_LABELS_SELECT = `${labelsJsonSql(
  'select task_labels.label_id from task_labels where task_labels.task_id = tasks.id',
)} as "labelList"`;

/** A JSON comment of TASK_FIRST_COMMENTS_SELECT; `createdAt` as Date#toISOString writes it. */
export interface CommentJson {
  id: string;
  body: string;
  createdAt: string;
  authorId: string;
  authorEmail: string;
  authorName: string;
}

/**
 * The first page of a task's comments (one more than COMMENTS_FIRST_PAGE, to tell whether there
 * are more), oldest first, each with its author, as one JSON array selected into the task's row
 * as `firstComments`. Dates leave PostgreSQL in UTC with milliseconds,
 * truncated as a timestamptz read by `pg` is.
 */
export const TASK_FIRST_COMMENTS_SELECT = `(
  select coalesce(json_agg(json_build_object(
    'id', c.id, 'body', c.body,
    'createdAt', to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'authorId', c.author_id, 'authorEmail', comment_author.email, 'authorName', comment_author.name
  ) order by c.created_at, c.id), '[]'::json)
  from (
    select comments.id, comments.body, comments.created_at, comments.author_id
    from comments where comments.task_id = tasks.id
    order by comments.created_at, comments.id limit ${COMMENTS_FIRST_PAGE + 1}
  ) c
  join users as comment_author on comment_author.id = c.author_id
) as "firstComments"`;

/** The author columns joined into a comment row. */
export interface CommentAuthorColumns {
  authorEmail: string;
  authorName: string;
}

/** What TASK_LABELS_SELECT (and TASK_FIRST_COMMENTS_SELECT) add to a task row. */
export interface TaskLabelsColumn {
  labelList: Label[];
}
export interface TaskFirstCommentsColumn {
  firstComments: CommentJson[];
}

/** Comments, oldest first, each with its author's public columns joined (comments.list). */
export function oldestCommentsFirstWithAuthor(
  query: QueryBuilder<CommentModel, CommentModel[]>,
): QueryBuilder<CommentModel, CommentModel[]> {
  return query
    .select(
      'comments.*',
      'comment_author.email as author_email',
      'comment_author.name as author_name',
    )
    .join('users as comment_author', 'comment_author.id', 'comments.author_id')
    .orderBy('comments.created_at')
    .orderBy('comments.id');
}

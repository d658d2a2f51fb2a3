import type { QueryBuilder } from 'objection';
import { selectLabels, type LabelModel } from '@trellis/labels';
import type { CommentModel } from './models/comment-model';
import type { TaskModel } from './models/task-model';
import { COMMENTS_FIRST_PAGE } from './schemas';

/**
 * How tasks are read, so that a read costs the same number of queries whatever the data:
 *
 * - the reporter and the assignee are joined into the task query itself (one row per task,
 *   users by primary key), so they cost no query at all, assigned or not;
 * - the labels (many-to-many) come from withGraphFetched: ONE query for all the tasks read
 *   (`where task_id in (...)`), never one per task;
 * - getTask's comments come the same way, each joined with its author in that one query, so
 *   0 and 50 comments cost the same.
 */

/** The user columns joined into a task row. */
export interface TaskUserColumns {
  reporterEmail: string;
  reporterName: string;
  assigneeEmail: string | null;
  assigneeName: string | null;
}

export type TaskRow = TaskModel & TaskUserColumns;

/** Adds the task's columns and its reporter's and assignee's public columns to `query`. */
export function selectTaskWithUsers<QB extends QueryBuilder<TaskModel, unknown>>(query: QB): QB {
  return query
    .select(
      'tasks.*',
      'reporter.email as reporter_email',
      'reporter.name as reporter_name',
      'assignee.email as assignee_email',
      'assignee.name as assignee_name',
    )
    .join('users as reporter', 'reporter.id', 'tasks.reporter_id')
    .leftJoin('users as assignee', 'assignee.id', 'tasks.assignee_id');
}

/** Labels of the tasks read (one query). */
export const TASK_LABELS_GRAPH = 'labels(labelColumns)';

/** Labels and comments (oldest first, with authors) of the task read (one query each). */
export const TASK_DETAIL_GRAPH =
  '[labels(labelColumns), comments(oldestFirstWithAuthor, firstCommentsPage)]';

/** The author columns joined into a comment row. */
export interface CommentAuthorColumns {
  authorEmail: string;
  authorName: string;
}

export const taskGraphModifiers = {
  /** A `Label`'s columns, in the labels module's order (the graph keeps it per task). */
  labelColumns: (query: QueryBuilder<LabelModel>) => selectLabels(query),
  oldestFirstWithAuthor: (query: QueryBuilder<CommentModel>) =>
    query
      .select(
        'comments.*',
        'comment_author.email as author_email',
        'comment_author.name as author_name',
      )
      .join('users as comment_author', 'comment_author.id', 'comments.author_id')
      .orderBy('comments.created_at')
      .orderBy('comments.id'),
  /** One more than the first page, to know whether there are more (the detail reads ONE task). */
  firstCommentsPage: (query: QueryBuilder<CommentModel>) => query.limit(COMMENTS_FIRST_PAGE + 1),
};

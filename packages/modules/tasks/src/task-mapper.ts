import { toUser, type User } from '@trellis/identity';
import { toLabel, type Label } from '@trellis/labels';
import type { CommentModel } from './models/comment-model';
import type {
  CommentAuthorColumns,
  CommentJson,
  TaskFields,
  TaskLabelsColumn,
  TaskRow,
} from './task-query';
import type { Comment, Task } from './types';

/**
 * Models to plain objects. Services return only what these build: object literals with the
 * documented fields, never Objection instances (no hidden columns, no lazy surprises).
 */

interface UserLike {
  id: string;
  email: string;
  name: string;
}

/**
 * Labels keep the order they were read in: every query that reads labels orders them with
 * @trellis/labels' selectLabels (by lower(name) under the database's collation, then name and
 * id), so a task's labels and the workspace's label list agree, and no second order exists here.
 */
export function toLabels(labels: readonly Label[]): Label[] {
  return labels.map(toLabel);
}

export function taskKey(projectKey: string, number: number): string {
  return `${projectKey}-${number}`;
}

export interface TaskRelations {
  assignee: UserLike | null;
  reporter: UserLike;
  labels: readonly Label[];
}

/** A task row plus its related users and labels, given explicitly. */
export function toTask(task: TaskFields, projectKey: string, related: TaskRelations): Task {
  return {
    id: task.id,
    projectId: task.projectId,
    number: task.number,
    key: taskKey(projectKey, task.number),
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    dueDate: task.dueDate,
    version: task.version,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    assignee: related.assignee ? toUser(related.assignee) : null,
    reporter: toUser(related.reporter),
    labels: toLabels(related.labels),
  };
}

/** The reporter and assignee joined into a task row (see selectTaskWithUsers). */
export function joinedUsers(row: TaskRow): { assignee: User | null; reporter: User } {
  return {
    reporter: { id: row.reporterId, email: row.reporterEmail, name: row.reporterName },
    assignee:
      row.assigneeId && row.assigneeEmail !== null && row.assigneeName !== null
        ? { id: row.assigneeId, email: row.assigneeEmail, name: row.assigneeName }
        : null,
  };
}

/** A task row read with its users joined and its labels selected (TASK_LABELS_SELECT). */
export function toLoadedTask(row: TaskRow & Partial<TaskLabelsColumn>, projectKey: string): Task {
  const labels = row.labelList;
  if (!labels) throw new Error(`Task ${row.id} was read without its labels`);
  return toTask(row, projectKey, { ...joinedUsers(row), labels });
}

/** A comment of TASK_FIRST_COMMENTS_SELECT. */
export function toCommentFromJson(json: CommentJson): Comment {
  return {
    id: json.id,
    body: json.body,
    createdAt: new Date(json.createdAt),
    author: { id: json.authorId, email: json.authorEmail, name: json.authorName },
  };
}

/** A comment row read with its author joined. */
export function toComment(row: CommentModel & CommentAuthorColumns): Comment {
  return {
    id: row.id,
    body: row.body,
    createdAt: row.createdAt,
    author: { id: row.authorId, email: row.authorEmail, name: row.authorName },
  };
}

import type { User } from '@trellis/identity';
import type { Label } from '@trellis/labels';

export const TASK_STATUSES = ['backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Statuses that count as closed; every other status is open. */
export const CLOSED_STATUSES: readonly TaskStatus[] = ['done', 'canceled'];

export const TASK_PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export interface Task {
  id: string;
  projectId: string;
  /** Counts up from 1 within the project. */
  number: number;
  /** Project key + '-' + number, e.g. `ENG-12`. */
  key: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  priority: TaskPriority;
  dueDate: Date | null;
  /** Optimistic-concurrency version: updateTask must name the version it read. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
  assignee: User | null;
  reporter: User;
  labels: Label[];
}

export interface Comment {
  id: string;
  body: string;
  createdAt: Date;
  author: User;
}

export interface TaskDetail extends Task {
  project: { id: string; key: string; name: string };
  /** The first page of comments, oldest first. */
  comments: Comment[];
  /** Where listComments continues; null when `comments` holds them all. */
  commentsCursor: string | null;
}

export interface CommentPage {
  items: Comment[];
  nextCursor: string | null;
}

export interface TaskListItem extends Task {
  commentCount: number;
}

export interface TaskPage {
  items: TaskListItem[];
  nextCursor: string | null;
}

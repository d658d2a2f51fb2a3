/** Every kind of entry the activity feed knows; the table's CHECK constraint lists the same. */
export const ACTIVITY_KINDS = [
  'task.created',
  'task.updated',
  'task.deleted',
  'comment.added',
  'member.added',
  'member.removed',
  'member.left',
  'member.role_changed',
  'workspace.ownership_transferred',
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/**
 * Fields of an entry's `data` that carry a task's content. The feed leaves them out of every
 * entry of a task that has been deleted (a `task.deleted` entry exists for it): what a
 * deleted task leaves behind is its key, who did what and when, never what it said.
 */
export const TASK_CONTENT_FIELDS = ['title'] as const;

/** Every kind of entry the activity feed knows; the table's CHECK constraint lists the same. */
export const ACTIVITY_KINDS = [
  'task.created',
  'task.updated',
  'task.deleted',
  'comment.added',
  'member.added',
  'member.removed',
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

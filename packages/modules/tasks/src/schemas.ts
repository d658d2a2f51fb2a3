import { idSchema, requiredText, text } from '@trellis/kernel';
import { userSchema } from '@trellis/identity';
import { labelSchema } from '@trellis/labels';
import { z } from 'zod';
import { TASK_PRIORITIES, TASK_STATUSES } from './types';

export const MAX_LABELS_PER_TASK = 20;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

export const taskStatusSchema = z.enum(TASK_STATUSES);
export const taskPrioritySchema = z.enum(TASK_PRIORITIES);

const titleSchema = requiredText(200);
const descriptionSchema = text(20_000).nullable();
const dueDateSchema = z.date().nullable();
const assigneeIdSchema = idSchema.nullable();
const labelIdsSchema = z
  .array(idSchema)
  .max(MAX_LABELS_PER_TASK)
  .refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat a label' });

// ---- inputs (strict: unknown keys are rejected) ----

export const createTaskInput = z.strictObject({
  projectId: idSchema,
  title: titleSchema,
  description: descriptionSchema.optional(),
  status: taskStatusSchema.default('todo'),
  priority: taskPrioritySchema.default('none'),
  assigneeId: assigneeIdSchema.optional(),
  labelIds: labelIdsSchema.default([]),
  dueDate: dueDateSchema.optional(),
});
export type CreateTaskInput = z.infer<typeof createTaskInput>;

export const MAX_TASKS_PER_IMPORT = 1_000;

/** Many tasks at once, with their comments (bulk import, demo data). */
export const importTasksInput = z.strictObject({
  projectId: idSchema,
  tasks: z
    .array(
      z.strictObject({
        title: titleSchema,
        description: descriptionSchema.optional(),
        status: taskStatusSchema.default('todo'),
        priority: taskPrioritySchema.default('none'),
        assigneeId: assigneeIdSchema.optional(),
        labelIds: labelIdsSchema.default([]),
        dueDate: dueDateSchema.optional(),
        comments: z
          .array(z.strictObject({ authorId: idSchema, body: requiredText(10_000) }))
          .max(50)
          .default([]),
      }),
    )
    .min(1)
    .max(MAX_TASKS_PER_IMPORT),
});
export type ImportTasksInput = z.infer<typeof importTasksInput>;

export const getTaskInput = z.strictObject({ id: idSchema });
export type GetTaskInput = z.infer<typeof getTaskInput>;

/** Largest task number PostgreSQL's `integer` column holds: a bigger one cannot exist. */
const MAX_TASK_NUMBER = 2_147_483_647;

/**
 * A task key as people say it: project key, dash, number (`ENG-12`; case-insensitive, read as
 * upper case). It stays a string (services parse their input again, so the schema must accept
 * its own output); `splitTaskKey` gives the parts.
 */
export const taskKeySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,9}$/, 'a task key: project key, dash, number (ENG-12)')
  .refine((key) => splitTaskKey(key).number <= MAX_TASK_NUMBER, {
    message: 'task number too large',
  });

/** `ENG-12` → `{ projectKey: 'ENG', number: 12 }` (of a key taskKeySchema accepted). */
export function splitTaskKey(key: string): { projectKey: string; number: number } {
  const dash = key.lastIndexOf('-');
  return { projectKey: key.slice(0, dash), number: Number(key.slice(dash + 1)) };
}

export const getTaskByKeyInput = z.strictObject({ workspaceId: idSchema, key: taskKeySchema });
export type GetTaskByKeyInput = z.infer<typeof getTaskByKeyInput>;

export const listTasksInput = z.strictObject({
  projectId: idSchema,
  status: taskStatusSchema.optional(),
  /** A user id, or null for unassigned tasks. */
  assigneeId: assigneeIdSchema.optional(),
  labelId: idSchema.optional(),
  /** Words of the title (PostgreSQL full text, 'simple' configuration). */
  search: z.string().trim().min(1).max(200).optional(),
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  /** The `nextCursor` of the previous page; absent or null for the first page. */
  cursor: z.string().max(200).nullish(),
});
export type ListTasksInput = z.infer<typeof listTasksInput>;

export const updateTaskInput = z.strictObject({
  id: idSchema,
  /** The version the caller read; a different current version is a conflict. */
  version: z.number().int().min(1),
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  status: taskStatusSchema.optional(),
  priority: taskPrioritySchema.optional(),
  assigneeId: assigneeIdSchema.optional(),
  /** Replaces the whole label set. */
  labelIds: labelIdsSchema.optional(),
  dueDate: dueDateSchema.optional(),
});
export type UpdateTaskInput = z.infer<typeof updateTaskInput>;

export const deleteTaskInput = z.strictObject({ id: idSchema });
export type DeleteTaskInput = z.infer<typeof deleteTaskInput>;

/** Comments tasks.get carries; the rest come from listComments with its `commentsCursor`. */
export const COMMENTS_FIRST_PAGE = 20;

export const listCommentsInput = z.strictObject({
  taskId: idSchema,
  limit: z.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  /** The `nextCursor` of the previous page, or tasks.get's `commentsCursor`; absent for the first page. */
  cursor: z.string().max(200).nullish(),
});
export type ListCommentsInput = z.infer<typeof listCommentsInput>;

export const addCommentInput = z.strictObject({
  taskId: idSchema,
  body: requiredText(10_000),
});
export type AddCommentInput = z.infer<typeof addCommentInput>;

// ---- outputs ----

export const commentSchema = z.object({
  id: idSchema,
  body: z.string(),
  createdAt: z.date(),
  author: userSchema,
});

export const taskSchema = z.object({
  id: idSchema,
  projectId: idSchema,
  number: z.number().int().positive(),
  key: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  status: taskStatusSchema,
  priority: taskPrioritySchema,
  dueDate: z.date().nullable(),
  version: z.number().int().positive(),
  createdAt: z.date(),
  updatedAt: z.date(),
  assignee: userSchema.nullable(),
  reporter: userSchema,
  labels: z.array(labelSchema),
});

export const taskDetailSchema = taskSchema.extend({
  project: z.object({ id: idSchema, key: z.string(), name: z.string() }),
  /** The first comments, oldest first (at most COMMENTS_FIRST_PAGE, cut by size). */
  comments: z.array(commentSchema),
  /** null when `comments` holds them all; else pass it to comments.list as `cursor`. */
  commentsCursor: z.string().nullable(),
});

export const commentPageSchema = z.object({
  items: z.array(commentSchema),
  nextCursor: z.string().nullable(),
});

export const taskListItemSchema = taskSchema.extend({
  commentCount: z.number().int().nonnegative(),
});

export const taskPageSchema = z.object({
  items: z.array(taskListItemSchema),
  nextCursor: z.string().nullable(),
});

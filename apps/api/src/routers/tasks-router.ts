import {
  createTask,
  createTaskInput,
  deleteTask,
  deleteTaskInput,
  getTask,
  getTaskByKey,
  getTaskByKeyInput,
  getTaskInput,
  listTasks,
  listTasksInput,
  taskDetailSchema,
  taskPageSchema,
  taskSchema,
  updateTask,
  updateTaskInput,
} from '@trellis/tasks';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const tasksRouter = router({
  create: authedProcedure
    .meta({
      summary:
        "Create a task (member or above); it gets the project's next number. An assignee who is not a member or a label of another workspace is BAD_REQUEST.",
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(createTaskInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => createTask(ctx.session, ctx.actor, input)),

  get: authedProcedure
    .meta({
      summary:
        'A task with its project and the first page of its comments (oldest first, at most 20); `commentsCursor` continues them in comments.list, null when all are here.',
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(getTaskInput)
    .output(taskDetailSchema)
    .query(({ ctx, input }) => getTask(ctx.session, ctx.actor, input)),

  getByKey: authedProcedure
    .meta({
      summary:
        "A task by its key in a workspace (`ENG-12`, case-insensitive), as `tasks.get` gives it; the key is resolved in the task's own query.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(getTaskByKeyInput)
    .output(taskDetailSchema)
    .query(({ ctx, input }) => getTaskByKey(ctx.session, ctx.actor, input)),

  list: authedProcedure
    .meta({
      summary:
        "A page of a project's tasks, newest first, with filters and a cursor that stays correct while tasks are added. A page holds at most `limit` tasks and at most 128,000 characters of titles and descriptions; follow `nextCursor`.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listTasksInput)
    .output(taskPageSchema)
    .query(({ ctx, input }) => listTasks(ctx.session, ctx.actor, input)),

  update: authedProcedure
    .meta({
      summary:
        'Change a task (member or above). `version` must equal the stored one, else CONFLICT; success adds 1 to it.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(updateTaskInput)
    .output(taskSchema)
    .mutation(({ ctx, input }) => updateTask(ctx.session, ctx.actor, input)),

  delete: authedProcedure
    .meta({
      summary: 'Delete a task and its comments (member or above).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(deleteTaskInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await deleteTask(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),
});

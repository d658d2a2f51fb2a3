import {
  createProject,
  createProjectInput,
  getProjectByKey,
  getProjectByKeyInput,
  listProjectsInput,
  projectSchema,
} from '@trellis/projects';
import { listProjectsWithOpenTaskCounts, projectWithOpenTaskCountSchema } from '@trellis/tasks';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const projectsRouter = router({
  create: authedProcedure
    .meta({
      summary: 'Create a project (owner or admin only); its key is unique in the workspace.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(createProjectInput)
    .output(projectSchema)
    .mutation(({ ctx, input }) => createProject(ctx.session, ctx.actor, input)),

  getByKey: authedProcedure
    .meta({
      summary: 'A project by its key in a workspace (`ENG`, case-insensitive).',
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(getProjectByKeyInput)
    .output(projectSchema)
    .query(({ ctx, input }) => getProjectByKey(ctx.session, ctx.actor, input)),

  list: authedProcedure
    .meta({
      summary:
        "The workspace's projects with their count of open tasks (status not done or canceled).",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listProjectsInput)
    .output(z.array(projectWithOpenTaskCountSchema))
    .query(({ ctx, input }) => listProjectsWithOpenTaskCounts(ctx.session, ctx.actor, input)),
});

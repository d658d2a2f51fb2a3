import {
  createProject,
  createProjectInput,
  getProjectByKey,
  getProjectByKeyInput,
  listProjects,
  listProjectsInput,
  projectSchema,
} from '@trellis/projects';
import { countOpenTasks } from '@trellis/tasks';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

const projectListItemSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  openTaskCount: z.number().int().min(0),
});

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

  // Projects sit below tasks in the module order, so the open-task counts come from the
  // tasks module and are joined here: two queries, whatever the number of projects.
  list: authedProcedure
    .meta({
      summary:
        "The workspace's projects with their count of open tasks (status not done or canceled).",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listProjectsInput)
    .output(z.array(projectListItemSchema))
    .query(async ({ ctx, input }) => {
      const projects = await listProjects(ctx.session, ctx.actor, input);
      const openCounts = await countOpenTasks(
        ctx.session,
        projects.map((project) => project.id),
      );
      return projects.map(({ id, key, name }) => ({
        id,
        key,
        name,
        openTaskCount: openCounts.get(id) ?? 0,
      }));
    }),
});

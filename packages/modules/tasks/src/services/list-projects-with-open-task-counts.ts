import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import { listProjects, type listProjectsInput } from '@trellis/projects';
import { z } from 'zod';
import { countOpenTasks } from './count-open-tasks';

export const projectWithOpenTaskCountSchema = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  openTaskCount: z.number().int().min(0),
});

export type ProjectWithOpenTaskCount = z.output<typeof projectWithOpenTaskCountSchema>;

/**
 * The workspace's projects (any member; ordered by key) with their count of open tasks. The
 * projects module sits below tasks and cannot count tasks, so the two are put together here,
 * by the module that owns the counts: two queries, whatever the number of projects.
 */
export async function listProjectsWithOpenTaskCounts(
  session: Session,
  actor: Actor,
  input: z.input<typeof listProjectsInput>,
): Promise<ProjectWithOpenTaskCount[]> {
  const projects = await listProjects(session, actor, input);
  const openCounts = await countOpenTasks(
    session,
    projects.map((project) => project.id),
  );
  return projects.map(({ id, key, name }) => ({
    id,
    key,
    name,
    openTaskCount: openCounts.get(id) ?? 0,
  }));
}

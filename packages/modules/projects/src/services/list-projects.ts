import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { ProjectModel } from '../models/project-model';
import { PROJECT_COLUMNS, toProject, type Project } from '../project';
import { listProjectsInput } from '../schemas';

/** The workspace's projects, ordered by key. Any member may list them. */
export async function listProjects(
  session: Session,
  actor: Actor,
  input: z.input<typeof listProjectsInput>,
): Promise<Project[]> {
  const { workspaceId } = listProjectsInput.parse(input);
  await requireRole(session, actor, workspaceId, 'viewer');
  const rows = await ProjectModel.query(session)
    .select(...PROJECT_COLUMNS)
    .where('projects.workspace_id', workspaceId)
    .orderBy('projects.key');
  return rows.map(toProject);
}

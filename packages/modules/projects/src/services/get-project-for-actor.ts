import type { Session } from '@trellis/db';
import { NotFoundError, idSchema, type Actor } from '@trellis/kernel';
import { assertRole, joinActorRole, type Role } from '@trellis/workspaces';
import { ProjectModel } from '../models/project-model';
import { PROJECT_COLUMNS, toProject, type Project } from '../project';

/**
 * A project with the actor's role in its workspace, in ONE query. A missing project and a
 * project in a workspace the actor is not in both give NotFoundError('Project'); a role below
 * `minimum` gives ForbiddenError.
 */
export async function getProjectForActor(
  session: Session,
  actor: Actor,
  projectId: string,
  minimum: Role,
): Promise<Project & { actorRole: Role }> {
  if (!idSchema.safeParse(projectId).success) throw new NotFoundError('Project');
  const query = ProjectModel.query(session)
    .select(...PROJECT_COLUMNS)
    .where('projects.id', projectId)
    .first();
  const row = (await joinActorRole(query, actor, 'projects.workspace_id')) as
    (ProjectModel & { actorRole: Role }) | undefined;
  if (!row) throw new NotFoundError('Project');
  return { ...toProject(row), actorRole: assertRole(row.actorRole, minimum, 'Project') };
}

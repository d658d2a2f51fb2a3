import { CompiledStatement, type Session } from '@trellis/db';
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
  const [row] = await projectForActor.run<Project & { actorRole: Role }>(session, {
    actorId: actor.userId,
    projectId,
  });
  if (!row) throw new NotFoundError('Project');
  return { ...toProject(row), actorRole: assertRole(row.actorRole, minimum, 'Project') };
}

/** Built once, run as a named prepared statement: on the path of every task list. */
const projectForActor = new CompiledStatement(
  ['actorId', 'projectId'],
  (session, param) =>
    joinActorRole(
      ProjectModel.query(session)
        .select(...PROJECT_COLUMNS)
        .where('projects.id', param('projectId'))
        .first(),
      { userId: param('actorId') },
      'projects.workspace_id',
    ),
  { prepare: true },
);

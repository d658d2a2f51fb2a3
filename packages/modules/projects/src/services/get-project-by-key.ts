import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import { assertRole, joinActorRole, type Role } from '@trellis/workspaces';
import type { z } from 'zod';
import { ProjectModel } from '../models/project-model';
import { PROJECT_COLUMNS, toProject, type Project } from '../project';
import { getProjectByKeyInput } from '../schemas';

/**
 * A project by its key in a workspace (`{ workspaceId, key: 'ENG' }`), for any member, in ONE
 * query (the unique (workspace_id, key) index, the membership joined). An unknown key and a
 * workspace the actor is not in both give NotFoundError('Project').
 */
export async function getProjectByKey(
  session: Session,
  actor: Actor,
  input: z.input<typeof getProjectByKeyInput>,
): Promise<Project> {
  const { workspaceId, key } = getProjectByKeyInput.parse(input);
  const query = ProjectModel.query(session)
    .select(...PROJECT_COLUMNS)
    .where('projects.workspace_id', workspaceId)
    .where('projects.key', key)
    .first();
  const row = (await joinActorRole(query, actor, 'projects.workspace_id')) as
    (ProjectModel & { actorRole: Role }) | undefined;
  if (!row) throw new NotFoundError('Project');
  assertRole(row.actorRole, 'viewer', 'Project');
  return toProject(row);
}

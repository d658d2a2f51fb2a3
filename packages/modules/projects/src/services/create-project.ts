import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { ProjectModel } from '../models/project-model';
import { toProject, type Project } from '../project';
import { createProjectInput } from '../schemas';

const KEY_TAKEN = 'projects_workspace_id_key_key';

/** Creates a project (owner or admin). A key already used in the workspace is a ConflictError. */
export async function createProject(
  session: Session,
  actor: Actor,
  input: z.input<typeof createProjectInput>,
): Promise<Project> {
  const { workspaceId, key, name } = createProjectInput.parse(input);
  await requireRole(session, actor, workspaceId, 'admin');
  try {
    const project = await ProjectModel.query(session).insert({ workspaceId, key, name });
    return toProject(project);
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === KEY_TAKEN) {
      throw new ConflictError(`The key ${key} is already used in this workspace`);
    }
    throw error;
  }
}

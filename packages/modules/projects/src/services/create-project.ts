import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { toProject, type Project } from '../project';
import { createProjectInput, MAX_PROJECTS_PER_WORKSPACE } from '../schemas';

const KEY_TAKEN = 'projects_workspace_id_key_key';

/**
 * Creates a project (owner or admin). A key already used in the workspace is a ConflictError,
 * and so is a project past MAX_PROJECTS_PER_WORKSPACE (projects.list is not paged: its answer
 * is bounded by this quota).
 */
export async function createProject(
  session: Session,
  actor: Actor,
  input: z.input<typeof createProjectInput>,
): Promise<Project> {
  const { workspaceId, key, name } = createProjectInput.parse(input);
  await requireRole(session, actor, workspaceId, 'admin');
  let rows: Project[];
  try {
    // The quota is checked in the insert itself: no extra query, and an insert past it adds nothing.
    ({ rows } = await session.raw<{ rows: Project[] }>(
      `insert into projects (workspace_id, key, name)
       select ?, ?, ? where (select count(*) from projects where workspace_id = ?) < ?
       returning id, workspace_id as "workspaceId", key, name`,
      [workspaceId, key, name, workspaceId, MAX_PROJECTS_PER_WORKSPACE],
    ));
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === KEY_TAKEN) {
      throw new ConflictError(`The key ${key} is already used in this workspace`);
    }
    throw error;
  }
  const [project] = rows;
  if (!project) {
    throw new ConflictError(
      `A workspace holds at most ${MAX_PROJECTS_PER_WORKSPACE} projects; this one is full`,
    );
  }
  return toProject(project);
}

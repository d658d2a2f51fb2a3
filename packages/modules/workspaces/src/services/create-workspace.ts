import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { MembershipModel } from '../models/membership-model';
import { WorkspaceModel } from '../models/workspace-model';
import { createWorkspaceInput, type WorkspaceSummary } from '../schemas';

const SLUG_TAKEN = 'workspaces_slug_key';

/** Creates a workspace owned by the actor. A taken slug is a ConflictError. */
export async function createWorkspace(
  session: Session,
  actor: Actor,
  input: z.input<typeof createWorkspaceInput>,
): Promise<WorkspaceSummary> {
  const { name, slug } = createWorkspaceInput.parse(input);
  let workspace: WorkspaceModel;
  try {
    workspace = await WorkspaceModel.query(session).insert({ name, slug });
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === SLUG_TAKEN) {
      throw new ConflictError(`The slug "${slug}" is already taken`);
    }
    throw error;
  }
  await MembershipModel.query(session).insert({
    workspaceId: workspace.id,
    userId: actor.userId,
    role: 'owner',
  });
  return { id: workspace.id, name, slug, role: 'owner' };
}

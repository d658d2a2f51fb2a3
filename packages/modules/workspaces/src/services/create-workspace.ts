import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { MembershipModel } from '../models/membership-model';
import { createWorkspaceInput, MAX_WORKSPACES_PER_USER, type WorkspaceSummary } from '../schemas';

const SLUG_TAKEN = 'workspaces_slug_key';

/**
 * Creates a workspace owned by the actor. A taken slug is a ConflictError, and so is a workspace
 * for an actor who already belongs to MAX_WORKSPACES_PER_USER (workspaces.list is not paged: its
 * answer is bounded by this quota). Queries: workspace (1), owner membership (1).
 */
export async function createWorkspace(
  session: Session,
  actor: Actor,
  input: z.input<typeof createWorkspaceInput>,
): Promise<WorkspaceSummary> {
  const { name, slug } = createWorkspaceInput.parse(input);
  let rows: Array<{ id: string }>;
  try {
    // The quota is checked in the insert itself: no extra query, and an insert past it adds nothing.
    ({ rows } = await session.raw<{ rows: Array<{ id: string }> }>(
      `insert into workspaces (name, slug)
       select ?, ? where (select count(*) from memberships where user_id = ?) < ?
       returning id`,
      [name, slug, actor.userId, MAX_WORKSPACES_PER_USER],
    ));
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === SLUG_TAKEN) {
      throw new ConflictError(`The slug "${slug}" is already taken`);
    }
    throw error;
  }
  const [workspace] = rows;
  if (!workspace) {
    throw new ConflictError(
      `A user belongs to at most ${MAX_WORKSPACES_PER_USER} workspaces; leave one before creating another`,
    );
  }
  await MembershipModel.query(session).insert({
    workspaceId: workspace.id,
    userId: actor.userId,
    role: 'owner',
  });
  return { id: workspace.id, name, slug, role: 'owner' };
}

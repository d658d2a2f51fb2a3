import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { assertRole } from '../access/assert-role';
import { joinActorRole } from '../access/join-actor-role';
import { WorkspaceModel } from '../models/workspace-model';
import type { Role } from '../role';
import { getWorkspaceInput, type WorkspaceDetail } from '../schemas';

/**
 * A workspace the actor belongs to, by slug, with its members (users eager-loaded), oldest
 * membership first. A non-member gets NotFoundError, exactly as for a slug that does not exist.
 */
export async function getWorkspace(
  session: Session,
  actor: Actor,
  input: z.input<typeof getWorkspaceInput>,
): Promise<WorkspaceDetail> {
  const { slug } = getWorkspaceInput.parse(input);
  const query = WorkspaceModel.query(session)
    .select('workspaces.id', 'workspaces.name', 'workspaces.slug')
    .where('workspaces.slug', slug)
    .withGraphFetched('memberships.user')
    .modifyGraph('memberships', (memberships) => {
      memberships
        .select('memberships.workspace_id', 'memberships.user_id', 'memberships.role')
        .orderBy('memberships.created_at')
        .orderBy('memberships.user_id');
    })
    .modifyGraph('memberships.user', (users) => {
      users.select('users.id', 'users.email', 'users.name');
    })
    .first();
  const workspace = (await joinActorRole(query, actor, 'workspaces.id')) as
    (WorkspaceModel & { actorRole: Role }) | undefined;
  if (!workspace) throw new NotFoundError('Workspace');
  const members = workspace.memberships ?? [];
  return {
    id: workspace.id,
    name: workspace.name,
    slug: workspace.slug,
    role: assertRole(workspace.actorRole, 'viewer', 'Workspace'),
    members: members.map(({ user, role }) => ({
      user: { id: user!.id, email: user!.email, name: user!.name },
      role,
    })),
  };
}

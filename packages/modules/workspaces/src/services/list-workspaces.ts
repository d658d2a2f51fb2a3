import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import { joinActorRole } from '../access/join-actor-role';
import { WorkspaceModel } from '../models/workspace-model';
import type { Role } from '../role';
import type { WorkspaceSummary } from '../schemas';

/** The workspaces the actor belongs to, with the actor's role in each, ordered by name. */
export async function listWorkspaces(session: Session, actor: Actor): Promise<WorkspaceSummary[]> {
  const query = WorkspaceModel.query(session)
    .select('workspaces.id', 'workspaces.name', 'workspaces.slug')
    .orderBy('workspaces.name')
    .orderBy('workspaces.slug');
  const rows = (await joinActorRole(query, actor, 'workspaces.id')) as Array<
    WorkspaceModel & { actorRole: Role }
  >;
  return rows.map((row) => ({ id: row.id, name: row.name, slug: row.slug, role: row.actorRole }));
}

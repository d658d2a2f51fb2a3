import { recordActivity } from '@trellis/activity';
import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { invitationIdInput, type AcceptedInvitation } from '../invitation-schemas';
import { WorkspaceModel } from '../models/workspace-model';
import type { InvitableRole } from '../role';

const ALREADY_MEMBER = 'memberships_pkey';

interface JoinedRow {
  workspace_id: string;
  role: InvitableRole;
  inviter_id: string;
}

/**
 * Accepts a pending, unexpired invitation for the actor's own email: the actor becomes a
 * member with the invited role, and `member.added` is recorded. An invitation for another
 * email, an expired or answered one, and no invitation at all are the same NotFoundError.
 * One statement marks the invitation accepted and inserts the membership, so two accepts at
 * once make one member. Queries: accept (1), workspace (1), activity (1).
 */
export async function acceptInvitation(
  session: Session,
  actor: Actor,
  input: z.input<typeof invitationIdInput>,
): Promise<AcceptedInvitation> {
  const { id } = invitationIdInput.parse(input);
  let joined: JoinedRow | undefined;
  try {
    const { rows } = await session.raw<{ rows: JoinedRow[] }>(
      `with accepted as (
         update invitations
            set status = 'accepted', answered_at = now(), updated_at = now()
          where id = ? and status = 'pending' and expires_at > now()
            and email = (select email from users where id = ?)
         returning workspace_id, role, inviter_id
       )
       insert into memberships (workspace_id, user_id, role)
       select workspace_id, ?, role from accepted
       returning workspace_id, role, (select inviter_id from accepted) as inviter_id`,
      [id, actor.userId, actor.userId],
    );
    joined = rows[0];
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === ALREADY_MEMBER) {
      throw new ConflictError('You are already a member of this workspace');
    }
    throw error;
  }
  if (!joined) throw new NotFoundError('Invitation');

  const workspace = await WorkspaceModel.query(session)
    .select('id', 'name', 'slug')
    .findById(joined.workspace_id);
  if (!workspace) throw new NotFoundError('Invitation');
  await recordActivity(session, {
    workspaceId: joined.workspace_id,
    actorId: actor.userId,
    kind: 'member.added',
    data: { userId: actor.userId, role: joined.role, invitedBy: joined.inviter_id },
  });
  return {
    workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug, role: joined.role },
  };
}

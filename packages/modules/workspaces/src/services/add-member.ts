import { recordActivity } from '@trellis/activity';
import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { findUserByEmail } from '@trellis/identity';
import { ConflictError, NotFoundError, type Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { requireRole } from '../access/require-role';
import { MembershipModel } from '../models/membership-model';
import { addMemberInput, type Member } from '../schemas';

const ALREADY_MEMBER = 'memberships_pkey';

/**
 * Adds a registered user to the workspace (owner or admin only) and records `member.added`
 * in the same transaction. Unknown email: NotFoundError('User'); already a member: ConflictError.
 */
export async function addMember(
  session: Session,
  actor: Actor,
  input: z.input<typeof addMemberInput>,
): Promise<Member> {
  const { workspaceId, email, role } = addMemberInput.parse(input);
  await requireRole(session, actor, workspaceId, 'admin');
  const user = await findUserByEmail(session, email);
  if (!user) throw new NotFoundError('User');
  try {
    await MembershipModel.query(session).insert({ workspaceId, userId: user.id, role });
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === ALREADY_MEMBER) {
      throw new ConflictError('This user is already a member of the workspace');
    }
    throw error;
  }
  await recordActivity(session, {
    workspaceId,
    actorId: actor.userId,
    kind: 'member.added',
    data: { userId: user.id, role },
  });
  return { user, role };
}

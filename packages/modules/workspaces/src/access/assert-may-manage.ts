import { ForbiddenError } from '@trellis/kernel';
import type { Role } from '../role';

/**
 * The role rules for managing people: the owner manages admins (invites, promotes, demotes,
 * removes them); admins manage members and viewers; nobody manages the owner (ownership moves
 * only by transfer). `roles` are every role the action touches: the target's current role and
 * the role it would get. The actor's membership was checked before (at least admin).
 */
export function assertMayManage(actorRole: Role, roles: readonly Role[]): void {
  if (roles.includes('owner')) {
    throw new ForbiddenError('The owner cannot be changed this way; ownership moves by transfer');
  }
  if (roles.includes('admin') && actorRole !== 'owner') {
    throw new ForbiddenError('Only the owner manages admins');
  }
  if (actorRole !== 'owner' && actorRole !== 'admin') throw new ForbiddenError();
}

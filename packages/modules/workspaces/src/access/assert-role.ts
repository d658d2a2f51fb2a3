import { ForbiddenError, NotFoundError } from '@trellis/kernel';
import { roleAtLeast, type Role } from '../role';

/**
 * The tenant wall and the role check in one place. No role means the actor is not a member:
 * NotFoundError(entity), so the thing's existence does not leak. A role below `minimum` is
 * a ForbiddenError.
 */
export function assertRole(role: Role | null | undefined, minimum: Role, entity: string): Role {
  if (!role) throw new NotFoundError(entity);
  if (!roleAtLeast(role, minimum)) throw new ForbiddenError();
  return role;
}

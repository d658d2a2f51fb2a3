import { z } from 'zod';

/** Weakest first: viewers read, members write, admins manage members, the owner owns. */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;

export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES);

/** The roles an invitation or a role change can give: ownership only moves by transfer. */
export const invitableRoleSchema = z.enum(['admin', 'member', 'viewer']);

export type InvitableRole = z.infer<typeof invitableRoleSchema>;

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

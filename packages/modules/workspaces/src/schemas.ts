import { userSchema, type User } from '@trellis/identity';
import { idSchema, requiredText } from '@trellis/kernel';
import { z } from 'zod';
import { invitableRoleSchema, roleSchema, type Role } from './role';

/**
 * Most workspaces one user belongs to (created or joined): workspaces.list returns them all, so
 * this bounds its answer. Checked when creating a workspace and when accepting an invitation.
 */
export const MAX_WORKSPACES_PER_USER = 100;

/**
 * Most members one workspace holds: workspaces.get returns them all, so this bounds its answer.
 * Checked when accepting an invitation; pending invitations do not count (they are not members).
 */
export const MAX_MEMBERS_PER_WORKSPACE = 500;

export interface WorkspaceSummary {
  id: string;
  name: string;
  slug: string;
  role: Role;
}

export interface Member {
  user: User;
  role: Role;
}

export interface WorkspaceDetail extends WorkspaceSummary {
  members: Member[];
}

const slugSchema = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'lower-case letters and digits, separated by single dashes');

export const createWorkspaceInput = z.strictObject({
  name: requiredText(100),
  slug: slugSchema,
});

export const getWorkspaceInput = z.strictObject({
  slug: slugSchema,
});

export const removeMemberInput = z.strictObject({
  workspaceId: idSchema,
  userId: idSchema,
});

export const setRoleInput = z.strictObject({
  workspaceId: idSchema,
  userId: idSchema,
  role: invitableRoleSchema,
});

export const transferOwnershipInput = z.strictObject({
  workspaceId: idSchema,
  userId: idSchema,
});

export const leaveWorkspaceInput = z.strictObject({
  workspaceId: idSchema,
});

export const memberRoleSchema = z.object({
  userId: z.uuid(),
  role: roleSchema,
});

export const workspaceSummarySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  role: roleSchema,
});

export const memberSchema = z.object({
  user: userSchema,
  role: roleSchema,
});

export const workspaceDetailSchema = workspaceSummarySchema.extend({
  members: z.array(memberSchema),
});

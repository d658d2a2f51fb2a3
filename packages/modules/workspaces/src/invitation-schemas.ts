import { userSchema, type User } from '@trellis/identity';
import { idSchema } from '@trellis/kernel';
import { z } from 'zod';
import { invitableRoleSchema, type InvitableRole } from './role';
import { workspaceSummarySchema, type WorkspaceSummary } from './schemas';

/** Invitations last this long; answering or re-inviting is possible until then. */
export const INVITATION_LIFETIME_DAYS = 7;

export const inviteInput = z.strictObject({
  workspaceId: idSchema,
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  role: invitableRoleSchema,
});

export const invitationIdInput = z.strictObject({ id: idSchema });

export const workspaceInvitationsInput = z.strictObject({ workspaceId: idSchema });

/** What the inviter learns: the same whether or not the email belongs to an account. */
export interface Invitation {
  id: string;
  email: string;
  role: InvitableRole;
  expiresAt: Date;
}

export const invitationSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  role: invitableRoleSchema,
  expiresAt: z.date(),
});

/** A pending invitation as owners and admins of its workspace see it. */
export interface WorkspaceInvitation extends Invitation {
  invitedBy: User;
}

export const workspaceInvitationSchema = invitationSchema.extend({ invitedBy: userSchema });

/** A pending invitation as the invited person sees it. */
export interface ReceivedInvitation {
  id: string;
  role: InvitableRole;
  expiresAt: Date;
  workspace: { id: string; name: string; slug: string };
  invitedBy: User;
}

export const receivedInvitationSchema = z.object({
  id: z.uuid(),
  role: invitableRoleSchema,
  expiresAt: z.date(),
  workspace: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
  invitedBy: userSchema,
});

export interface AcceptedInvitation {
  workspace: WorkspaceSummary;
}

export const acceptedInvitationSchema = z.object({ workspace: workspaceSummarySchema });

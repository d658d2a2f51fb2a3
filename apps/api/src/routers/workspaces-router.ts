import {
  createWorkspace,
  createWorkspaceInput,
  getWorkspace,
  getWorkspaceInput,
  invitationIdInput,
  invitationSchema,
  inviteInput,
  inviteToWorkspace,
  leaveWorkspace,
  leaveWorkspaceInput,
  listWorkspaceInvitations,
  listWorkspaces,
  memberRoleSchema,
  removeMember,
  removeMemberInput,
  revokeInvitation,
  setMemberRole,
  setRoleInput,
  transferOwnership,
  transferOwnershipInput,
  workspaceDetailSchema,
  workspaceInvitationSchema,
  workspaceInvitationsInput,
  workspaceSummarySchema,
} from '@trellis/workspaces';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

const ok = z.object({ ok: z.literal(true) });

export const workspacesRouter = router({
  create: authedProcedure
    .meta({
      summary:
        'Create a workspace; the caller becomes its owner. A slug taken by any workspace is CONFLICT (slugs are public names; see docs/threat-model.md).',
      errors: ['UNAUTHORIZED', 'CONFLICT'],
    })
    .input(createWorkspaceInput)
    .output(workspaceSummarySchema)
    .mutation(({ ctx, input }) => createWorkspace(ctx.session, ctx.actor, input)),

  list: authedProcedure
    .meta({
      summary: "The caller's workspaces with the caller's role in each.",
      errors: ['UNAUTHORIZED'],
    })
    .input(z.void())
    .output(z.array(workspaceSummarySchema))
    .query(({ ctx }) => listWorkspaces(ctx.session, ctx.actor)),

  get: authedProcedure
    .meta({
      summary: 'A workspace by slug with its members. Non-members get NOT_FOUND.',
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(getWorkspaceInput)
    .output(workspaceDetailSchema)
    .query(({ ctx, input }) => getWorkspace(ctx.session, ctx.actor, input)),

  invite: authedProcedure
    .meta({
      summary:
        'Invite an email (owner or admin; only the owner invites admins). The answer is the same whether or not the email has an account; inviting a pending email again renews it for 7 days; an email of a member is CONFLICT. Each inviter may send 50 an hour (TOO_MANY_REQUESTS).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'TOO_MANY_REQUESTS'],
    })
    .input(inviteInput)
    .output(invitationSchema)
    .mutation(({ ctx, input }) => inviteToWorkspace(ctx.session, ctx.actor, input)),

  invitations: authedProcedure
    .meta({
      summary: "The workspace's pending invitations, newest first, at most 200 (owner or admin).",
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(workspaceInvitationsInput)
    .output(z.array(workspaceInvitationSchema))
    .query(({ ctx, input }) => listWorkspaceInvitations(ctx.session, ctx.actor, input)),

  revokeInvitation: authedProcedure
    .meta({
      summary:
        'Revoke a pending invitation (owner or admin of its workspace; an admin invitation only the owner).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(invitationIdInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await revokeInvitation(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),

  setRole: authedProcedure
    .meta({
      summary:
        "Change a member's role: admins move people between member and viewer; only the owner promotes to or demotes from admin; the owner's role moves only by transferOwnership.",
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(setRoleInput)
    .output(memberRoleSchema)
    .mutation(({ ctx, input }) => setMemberRole(ctx.session, ctx.actor, input)),

  transferOwnership: authedProcedure
    .meta({
      summary:
        'The owner hands the workspace to an admin and becomes an admin. A user who is not an admin is BAD_REQUEST on userId.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(transferOwnershipInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await transferOwnership(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),

  removeMember: authedProcedure
    .meta({
      summary:
        'Remove a member: admins remove members and viewers, only the owner removes admins; the owner cannot be removed.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(removeMemberInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),

  leave: authedProcedure
    .meta({
      summary: 'Leave the workspace (any member but the owner, who transfers ownership first).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(leaveWorkspaceInput)
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await leaveWorkspace(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),
});

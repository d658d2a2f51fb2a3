import {
  addMember,
  addMemberInput,
  createWorkspace,
  createWorkspaceInput,
  getWorkspace,
  getWorkspaceInput,
  listWorkspaces,
  memberSchema,
  removeMember,
  removeMemberInput,
  workspaceDetailSchema,
  workspaceSummarySchema,
} from '@trellis/workspaces';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const workspacesRouter = router({
  create: authedProcedure
    .meta({
      summary: 'Create a workspace; the caller becomes its owner.',
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

  addMember: authedProcedure
    .meta({
      summary: 'Add a user by email (owner or admin only).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(addMemberInput)
    .output(memberSchema)
    .mutation(({ ctx, input }) => addMember(ctx.session, ctx.actor, input)),

  removeMember: authedProcedure
    .meta({
      summary: 'Remove a member (owner or admin only); the owner cannot be removed.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(removeMemberInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removeMember(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),
});

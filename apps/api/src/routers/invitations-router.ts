import {
  acceptInvitation,
  acceptedInvitationSchema,
  declineInvitation,
  invitationIdInput,
  listReceivedInvitations,
  receivedInvitationSchema,
} from '@trellis/workspaces';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

/** The invited person's side of invitations; the inviting side is under `workspaces`. */
export const invitationsRouter = router({
  list: authedProcedure
    .meta({
      summary:
        "The caller's pending invitations (for the caller's email), newest first, at most 100, each with its workspace and inviter.",
      errors: ['UNAUTHORIZED'],
    })
    .input(z.void())
    .output(z.array(receivedInvitationSchema))
    .query(({ ctx }) => listReceivedInvitations(ctx.session, ctx.actor)),

  accept: authedProcedure
    .meta({
      summary:
        "Accept an invitation for the caller's email and join its workspace. Anyone else's, an expired or an answered invitation is NOT_FOUND.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(invitationIdInput)
    .output(acceptedInvitationSchema)
    .mutation(({ ctx, input }) => acceptInvitation(ctx.session, ctx.actor, input)),

  decline: authedProcedure
    .meta({
      summary: "Decline an invitation for the caller's email. Anyone else's is NOT_FOUND.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(invitationIdInput)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await declineInvitation(ctx.session, ctx.actor, input);
      return { ok: true as const };
    }),
});

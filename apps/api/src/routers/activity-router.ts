import { activityEntrySchema, FeedEndedError, listActivityInput } from '@trellis/activity';
import { idSchema } from '@trellis/kernel';
import { listWorkspaceActivity, watchWorkspaceActivity } from '@trellis/workspaces';
import { TRPCError, getTRPCErrorFromUnknown, tracked } from '@trpc/server';
import { z } from 'zod';
import { toTRPCError } from '../trpc/error-mapping';
import { router } from '../trpc/init';
import { authedProcedure, authedSubscriptionProcedure } from '../trpc/procedures';

export const onEventInput = z.strictObject({
  workspaceId: idSchema,
  /**
   * The id of the last event the client saw: the stream resumes right after it. tRPC's client
   * sends it by itself when it reconnects (and EventSource as the Last-Event-ID header).
   */
  lastEventId: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the id of an event of this stream')
    .optional(),
});

/** How a stream ends, as the client sees it: a reconnect (and resume) or a final error. */
function streamError(error: unknown): TRPCError {
  if (error instanceof FeedEndedError) {
    // SERVICE_UNAVAILABLE is one of the codes tRPC's client reconnects on, resuming by id.
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
  }
  return toTRPCError(getTRPCErrorFromUnknown(error));
}

export const activityRouter = router({
  list: authedProcedure
    .meta({
      summary:
        "The workspace's activity, newest first. For the next page pass the last entry's `id` as `before`.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listActivityInput)
    .output(z.array(activityEntrySchema))
    .query(({ ctx, input }) => listWorkspaceActivity(ctx.session, ctx.actor, input)),

  onEvent: authedSubscriptionProcedure
    .meta({
      summary:
        'Live activity of a workspace (Server-Sent Events): each change as it commits, in commit order, each an activity.list item with its event id. Reconnecting with the last event id resumes without losing or repeating one.',
      errors: ['UNAUTHORIZED', 'NOT_FOUND', 'FORBIDDEN', 'TOO_MANY_REQUESTS'],
    })
    .input(onEventInput)
    // The subscription is in place (membership checked, position taken) before the stream
    // says `connected`: a client that loads the board once connected misses nothing.
    .subscription(async ({ ctx, input, signal }) => {
      let stream: Awaited<ReturnType<typeof watchWorkspaceActivity>> | undefined;
      const release = (() => {
        try {
          return ctx.subscriptionSlots.take(ctx.actor.userId);
        } catch (error) {
          throw streamError(error);
        }
      })();
      // Whoever serves the stream aborts the signal when it ends, however it ends (also if it
      // never read from the stream): the subscription and its slot go with it.
      const stop = () => {
        stream?.close();
        release();
      };
      signal?.addEventListener('abort', stop, { once: true });
      try {
        stream = await watchWorkspaceActivity(ctx.feed, ctx.actor, {
          workspaceId: input.workspaceId,
          afterSeq: input.lastEventId === undefined ? undefined : Number(input.lastEventId),
        });
      } catch (error) {
        stop();
        throw streamError(error);
      }
      stream.onEnd((error) => {
        // A consumer too far behind is not reading: its socket is full and no error event
        // would reach it. Drop the connection; it reconnects and resumes by id.
        if (error instanceof FeedEndedError && error.reason === 'lagging') {
          ctx.log.warn({ workspaceId: input.workspaceId }, error.message);
          ctx.dropConnection();
        }
      });
      const events = stream;
      return (async function* () {
        try {
          for await (const event of events) {
            // The entry is the hub's own object, shared by every subscriber of the workspace,
            // so the stream writer serializes it once for all of them. Its shape is
            // activity.list's (the same mapping, whose output is validated there).
            yield tracked(String(event.seq), event.entry);
          }
        } catch (error) {
          throw streamError(error);
        } finally {
          stop();
        }
      })();
    }),
});

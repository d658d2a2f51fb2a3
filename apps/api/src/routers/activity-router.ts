import { activityEntrySchema, listActivity, listActivityInput } from '@trellis/activity';
import { requireRole } from '@trellis/workspaces';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const activityRouter = router({
  // Activity sits below workspaces in the module order, so membership is checked here.
  list: authedProcedure
    .meta({
      summary:
        "The workspace's activity, newest first. For the next page pass the last entry's `id` as `before`.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listActivityInput)
    .output(z.array(activityEntrySchema))
    .query(async ({ ctx, input }) => {
      await requireRole(ctx.session, ctx.actor, input.workspaceId, 'viewer');
      return listActivity(ctx.session, input);
    }),
});

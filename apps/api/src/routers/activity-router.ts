import { activityEntrySchema, listActivityInput } from '@trellis/activity';
import { listWorkspaceActivity } from '@trellis/workspaces';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

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
});

import { addComment, addCommentInput, commentSchema } from '@trellis/tasks';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const commentsRouter = router({
  add: authedProcedure
    .meta({
      summary: 'Comment on a task (member or above).',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'],
    })
    .input(addCommentInput)
    .output(commentSchema)
    .mutation(({ ctx, input }) => addComment(ctx.session, ctx.actor, input)),
});

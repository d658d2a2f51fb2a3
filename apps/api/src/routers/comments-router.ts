import {
  addComment,
  addCommentInput,
  commentPageSchema,
  commentSchema,
  listComments,
  listCommentsInput,
} from '@trellis/tasks';
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

  list: authedProcedure
    .meta({
      summary:
        "A page of a task's comments, oldest first. Start from tasks.get's `commentsCursor` (or no cursor for the first page) and pass each page's `nextCursor`; a page holds at most `limit` comments and at most 128,000 characters of text.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listCommentsInput)
    .output(commentPageSchema)
    .query(({ ctx, input }) => listComments(ctx.session, ctx.actor, input)),
});

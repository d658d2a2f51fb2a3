import {
  createLabel,
  createLabelInput,
  labelSchema,
  listLabels,
  listLabelsInput,
} from '@trellis/labels';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure } from '../trpc/procedures';

export const labelsRouter = router({
  create: authedProcedure
    .meta({
      summary: 'Create a label (member or above); its name is unique in the workspace.',
      errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
    })
    .input(createLabelInput)
    .output(labelSchema)
    .mutation(({ ctx, input }) => createLabel(ctx.session, ctx.actor, input)),

  list: authedProcedure
    .meta({
      summary: "The workspace's labels.",
      errors: ['UNAUTHORIZED', 'NOT_FOUND'],
    })
    .input(listLabelsInput)
    .output(z.array(labelSchema))
    .query(({ ctx, input }) => listLabels(ctx.session, ctx.actor, input)),
});

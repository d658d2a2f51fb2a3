import {
  authResultSchema,
  signIn,
  signInInput,
  signOut,
  signUp,
  signUpInput,
  userSchema,
} from '@trellis/identity';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure, publicProcedure } from '../trpc/procedures';

export const authRouter = router({
  signUp: publicProcedure
    .meta({
      summary: 'Create an account and sign in. The email is trimmed and lower-cased.',
      errors: ['CONFLICT'],
    })
    .input(signUpInput)
    .output(authResultSchema)
    .mutation(({ ctx, input }) => signUp(ctx.session, input)),

  signIn: publicProcedure
    .meta({
      summary:
        'Exchange email and password for a bearer token. A wrong password and an unknown email give the same error.',
      errors: ['UNAUTHORIZED', 'TOO_MANY_REQUESTS'],
    })
    .input(signInInput)
    .output(authResultSchema)
    .mutation(({ ctx, input }) => signIn(ctx.session, input)),

  signOut: authedProcedure
    .meta({
      summary: 'Revoke the token used for this call; it stops working at once.',
      errors: ['UNAUTHORIZED'],
    })
    .input(z.void())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      await signOut(ctx.session, ctx.token);
      return { ok: true as const };
    }),

  me: authedProcedure
    .meta({
      summary: 'The signed-in user.',
      errors: ['UNAUTHORIZED'],
    })
    .input(z.void())
    .output(userSchema)
    .query(({ ctx }) => ctx.user),
});

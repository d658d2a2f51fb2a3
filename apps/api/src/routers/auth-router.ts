import {
  DEFAULT_SIGN_IN_THROTTLE,
  authResultSchema,
  completeSignIn,
  INVALID_CREDENTIALS,
  reserveSignInAttempt,
  signInInput,
  signOut,
  signUp,
  signUpInput,
  userSchema,
} from '@trellis/identity';
import { TooManyRequestsError, UnauthorizedError } from '@trellis/kernel';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { router } from '../trpc/init';
import { authedProcedure, publicProcedure, sessionlessProcedure } from '../trpc/procedures';

export const authRouter = router({
  signUp: publicProcedure
    .meta({
      summary: 'Create an account and sign in. The email is trimmed and lower-cased.',
      errors: ['CONFLICT'],
    })
    .input(signUpInput)
    .output(authResultSchema)
    .mutation(({ ctx, input }) => signUp(ctx.session, input)),

  // The one mutation that manages its own transactions: the attempt is counted first, in a
  // transaction that commits at once (so concurrent guesses cannot race past the limit and a
  // failed attempt stays counted although the call fails); the password is checked in a
  // second one; the slow-down delay is waited out with no connection held.
  signIn: sessionlessProcedure
    .meta({
      summary:
        'Exchange email and password for a bearer token. A wrong password and an unknown email give the same error. Repeated failures for one email or one client address are slowed, then refused with TOO_MANY_REQUESTS.',
      errors: ['UNAUTHORIZED', 'TOO_MANY_REQUESTS'],
    })
    .input(signInInput)
    .output(authResultSchema)
    .mutation(async ({ ctx, input }) => {
      const { config } = ctx;
      const context = {
        clientAddress: ctx.clientAddress,
        policy: {
          ...DEFAULT_SIGN_IN_THROTTLE,
          windowSeconds: config.SIGN_IN_WINDOW_SECONDS,
          slowDownAfter: config.SIGN_IN_SLOW_DOWN_AFTER,
          refuseAfter: config.SIGN_IN_REFUSE_AFTER,
        },
      };
      const options = { stats: ctx.queryStats, timeoutMs: config.REQUEST_TIMEOUT_MS };
      const reservation = await ctx.db.transaction(
        (session) => reserveSignInAttempt(session, input, context),
        options,
      );
      if (!reservation.ok) {
        throw new TooManyRequestsError(
          'Too many failed sign-ins; try again later',
          reservation.retryAfterSeconds,
        );
      }
      const outcome = await ctx.db.transaction(
        (session) => completeSignIn(session, input, reservation, context),
        options,
      );
      if (outcome.ok) return { token: outcome.token, user: outcome.user };
      if (outcome.delayMs > 0) await sleep(outcome.delayMs);
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }),

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

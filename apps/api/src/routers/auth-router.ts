import {
  authResultSchema,
  DEFAULT_SIGN_IN_THROTTLE,
  PasswordHashQueue,
  signInInput,
  signInThrottled,
  signOut,
  signUpInput,
  signUpThrottled,
  userSchema,
  type SignInThrottlePolicy,
  type SignUpThrottlePolicy,
} from '@trellis/identity';
import { z } from 'zod';
import type { ApiConfig } from '../config';
import type { Context } from '../trpc/context';
import { router } from '../trpc/init';
import { authedProcedure, sessionlessProcedure } from '../trpc/procedures';

interface AuthSettings {
  hashQueue: PasswordHashQueue;
  signIn: SignInThrottlePolicy;
  signUp: SignUpThrottlePolicy;
}

/**
 * One hash queue and one set of policies per server, built from its configuration on first use
 * (keyed by the config object, so the request context stays as it is: no per-request work).
 */
const settingsByConfig = new WeakMap<ApiConfig, AuthSettings>();

function authSettings(config: ApiConfig): AuthSettings {
  let settings = settingsByConfig.get(config);
  if (!settings) {
    settings = {
      hashQueue: new PasswordHashQueue({
        concurrency: config.PASSWORD_HASH_CONCURRENCY,
        maxWaiting: config.PASSWORD_HASH_QUEUE,
      }),
      signIn: {
        ...DEFAULT_SIGN_IN_THROTTLE,
        windowSeconds: config.SIGN_IN_WINDOW_SECONDS,
        slowDownAfter: config.SIGN_IN_SLOW_DOWN_AFTER,
        refuseAfter: config.SIGN_IN_REFUSE_AFTER,
        addressRefuseAfter: config.SIGN_IN_ADDRESS_REFUSE_AFTER,
      },
      signUp: {
        windowSeconds: config.SIGN_UP_WINDOW_SECONDS,
        perAddress: config.SIGN_UP_PER_ADDRESS,
      },
    };
    settingsByConfig.set(config, settings);
  }
  return settings;
}

function transactionOptions(ctx: Context) {
  return { stats: ctx.queryStats, timeoutMs: ctx.config.REQUEST_TIMEOUT_MS };
}

export const authRouter = router({
  // Sign-up and sign-in manage their own transactions (in @trellis/identity), so that no
  // connection is held while a password is hashed.
  signUp: sessionlessProcedure
    .meta({
      summary:
        'Create an account and sign in. The email is trimmed and lower-cased. Sign-ups from one client address are limited per window (TOO_MANY_REQUESTS).',
      errors: ['CONFLICT', 'TOO_MANY_REQUESTS'],
    })
    .input(signUpInput)
    .output(authResultSchema)
    .mutation(({ ctx, input }) => {
      const settings = authSettings(ctx.config);
      return signUpThrottled(ctx.db, input, {
        clientAddress: ctx.clientAddress,
        policy: settings.signUp,
        hashQueue: settings.hashQueue,
        transaction: transactionOptions(ctx),
      });
    }),

  signIn: sessionlessProcedure
    .meta({
      summary:
        'Exchange email and password for a bearer token. A wrong password and an unknown email give the same error. Repeated failures for one email are slowed down; for one email from one client address, or from one address across emails, refused with TOO_MANY_REQUESTS.',
      errors: ['UNAUTHORIZED', 'TOO_MANY_REQUESTS'],
    })
    .input(signInInput)
    .output(authResultSchema)
    .mutation(({ ctx, input }) => {
      const settings = authSettings(ctx.config);
      return signInThrottled(ctx.db, input, {
        clientAddress: ctx.clientAddress,
        policy: settings.signIn,
        hashQueue: settings.hashQueue,
        transaction: transactionOptions(ctx),
      });
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

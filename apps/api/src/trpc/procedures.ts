import type { Session } from '@trellis/db';
import { authenticate } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import { TRPCError } from '@trpc/server';
import { toTRPCError, unwrapThrown } from './error-mapping';
import { baseProcedure } from './init';

/**
 * Every procedure, outermost first:
 * 1. its latency and result code go to the metrics;
 * 2. expected failures (domain and database errors) get their own codes (`sessionlessProcedure`
 *    stops here: for the one procedure that manages its own transaction, auth.signIn);
 * 3. the session: a read-only transaction for queries, one read-write transaction for
 *    mutations, committed when the procedure returns and rolled back when it throws, with its
 *    queries counted toward the request's Server-Timing.
 */
export const sessionlessProcedure = baseProcedure
  .use(async function observe({ ctx, path, type, next }) {
    const started = performance.now();
    const result = await next();
    ctx.metrics.procedureDuration.observe(
      { procedure: path, type, code: result.ok ? 'OK' : result.error.code },
      (performance.now() - started) / 1000,
    );
    return result;
  })
  .use(async function mapErrors({ ctx, next }) {
    // A batch's calls take turns (one connection per batch at a time); a single call runs at once.
    const result = await (ctx.lane ? ctx.lane.run(() => next()) : next());
    if (!result.ok) throw toTRPCError(result.error);
    return result;
  });

export const publicProcedure = sessionlessProcedure.use(async function openSession({
  ctx,
  type,
  next,
}) {
  const options = { stats: ctx.queryStats, timeoutMs: ctx.config.REQUEST_TIMEOUT_MS };
  const run = async (session: Session) => {
    const result = await next({ ctx: { session } });
    // Rethrowing the original makes the transaction roll back (and retry a serialization failure).
    if (!result.ok) throw unwrapThrown(result.error);
    return result;
  };
  return type === 'query' ? ctx.db.read(run, options) : ctx.db.transaction(run, options);
});

/** 4. the caller from the bearer token, looked up inside the same session (one connection per request). */
export const authedProcedure = publicProcedure.use(async function requireUser({ ctx, next }) {
  const user = ctx.token ? await authenticate(ctx.session, ctx.token) : null;
  if (!user || !ctx.token) {
    throw new TRPCError({
      code: 'UNAUTHORIZED',
      message: 'Not signed in, or the token is invalid or expired',
    });
  }
  const actor: Actor = { userId: user.id };
  return next({ ctx: { user, actor, token: ctx.token } });
});

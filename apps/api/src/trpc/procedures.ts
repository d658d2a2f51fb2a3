import type { Session } from '@trellis/db';
import { type User, authenticate } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import { TRPCError, getTRPCErrorFromUnknown } from '@trpc/server';
import type { Context } from './context';
import { toTRPCError, unwrapThrown } from './error-mapping';
import { baseProcedure } from './init';

/** What tRPC's `next()` resolves to, as far as these builders look at it. */
type CallResult = { ok: true } | { ok: false; error: TRPCError };

/**
 * Every procedure, outermost first:
 * 1. its latency and result code go to the metrics;
 * 2. expected failures (domain and database errors) get their own codes (`sessionlessProcedure`
 *    stops here: for the one procedure that manages its own transaction, auth.signIn);
 * 3. the session: a read-only transaction for queries, one read-write transaction for
 *    mutations, committed when the procedure returns and rolled back when it throws, with its
 *    queries counted toward the request's Server-Timing;
 * 4. (`authedProcedure`) the caller from the bearer token, checked inside the same session (a
 *    query with a token known to pass is sent along with the check: see `authedProcedure`).
 *
 * Each builder is one tRPC middleware, not one per step: every middleware level costs tRPC
 * several object spreads of the call's options and context, which showed in the profile of a
 * short request (see the commit that merged them for the bench before/after).
 */
async function observed<R extends CallResult>(
  ctx: Context,
  path: string,
  type: string,
  call: () => Promise<R>,
): Promise<R> {
  const started = performance.now();
  let code = 'OK';
  try {
    // A batch's calls take turns (one connection per batch at a time); a single call runs at once.
    const result = await (ctx.lane ? ctx.lane.run(call) : call());
    if (!result.ok) throw result.error;
    return result;
  } catch (thrown) {
    const error = toTRPCError(getTRPCErrorFromUnknown(thrown));
    code = error.code;
    throw error;
  } finally {
    ctx.metrics.procedureDuration.observe(
      { procedure: path, type, code },
      (performance.now() - started) / 1000,
    );
  }
}

/** Runs `call` in the request's transaction; a failed call rolls it back (and may retry it). */
function inSession<R extends CallResult>(
  ctx: Context,
  path: string,
  type: string,
  call: (session: Session) => Promise<R>,
): Promise<R> {
  // The procedure names its transaction in leak reports: a stack would show tRPC's frames.
  const options = {
    stats: ctx.queryStats,
    timeoutMs: ctx.config.REQUEST_TIMEOUT_MS,
    label: `${type} ${path}`,
  };
  const run = async (session: Session) => {
    const result = await call(session);
    // Rethrowing the original makes the transaction roll back (and retry a serialization failure).
    if (!result.ok) throw unwrapThrown(result.error);
    return result;
  };
  return type === 'query' ? ctx.db.read(run, options) : ctx.db.transaction(run, options);
}

export const sessionlessProcedure = baseProcedure.use(function observe({ ctx, path, type, next }) {
  return observed(ctx, path, type, () => next());
});

/**
 * Inside a session a procedure has the session and no Database: a second transaction there
 * would hold a second connection for the same request (and wait for it, on a busy pool, while
 * holding the first). `never` makes `ctx.db` a compile error; the API's database layer runs
 * without session context, so this is what keeps a request to one connection
 * (src/database/api-database.ts).
 */
const NO_DATABASE_IN_SESSION = undefined as never;

export const publicProcedure = baseProcedure.use(function openSession({ ctx, path, type, next }) {
  return observed(ctx, path, type, () =>
    inSession(ctx, path, type, (session) => next({ ctx: { session, db: NO_DATABASE_IN_SESSION } })),
  );
});

const notSignedIn = () =>
  new TRPCError({
    code: 'UNAUTHORIZED',
    message: 'Not signed in, or the token is invalid or expired',
  });

const ignore = () => undefined;

const sameUser = (a: User, b: User) => a.id === b.id && a.email === b.email && a.name === b.name;

/**
 * The caller's token is checked inside the request's own session, on every call. For a query
 * whose token was accepted before (ctx.knownTokenOwners), the procedure does not wait for the
 * check's answer: it runs at once as the user the token belonged to, so its first statement
 * leaves in the same write as BEGIN and the check, and the request costs one round trip less
 * (socket writes were a third of `tasks.get`'s CPU, three a request; now two).
 * The check still decides: its answer is awaited before anything the procedure produced is
 * used, a token that no longer passes gets UNAUTHORIZED (and is forgotten), and a user whose
 * name or email changed meanwhile has the procedure run again as they are now. A query only
 * reads, inside a read-only transaction, so running it early changes nothing a caller can see;
 * a mutation waits for the check, so nothing is ever written under a token that no longer passes.
 */
export const authedProcedure = baseProcedure.use(function requireUser({ ctx, path, type, next }) {
  return observed(ctx, path, type, () =>
    inSession(ctx, path, type, async (session) => {
      const { token, knownTokenOwners } = ctx;
      if (!token) throw notSignedIn();
      const asUser = (user: User) =>
        next({
          ctx: {
            session,
            user,
            actor: { userId: user.id } satisfies Actor,
            token,
            db: NO_DATABASE_IN_SESSION,
          },
        });
      const known = type === 'query' ? knownTokenOwners.ownerOf(token) : undefined;
      if (!known) {
        const user = await authenticate(session, token);
        if (!user) {
          knownTokenOwners.forget(token);
          throw notSignedIn();
        }
        knownTokenOwners.remember(token, user);
        return asUser(user);
      }
      const checked = authenticate(session, token);
      const answered = asUser(known);
      // Handled now, looked at below: the check is waited for first, whichever settles first.
      answered.catch(ignore);
      let user: User | null;
      try {
        user = await checked;
      } catch (error) {
        // No statement is left running on the session when the check's failure ends it.
        await answered.catch(ignore);
        throw error;
      }
      const result = await answered;
      if (!user) {
        knownTokenOwners.forget(token);
        throw notSignedIn();
      }
      if (sameUser(user, known)) return result;
      knownTokenOwners.remember(token, user);
      return asUser(user);
    }),
  );
});

/**
 * Subscriptions: the caller is authenticated in a short read-only transaction, and no session
 * is held while the stream is open (a stream lasts minutes; a connection is for milliseconds).
 * The stream reads what it needs in transactions of its own.
 */
export const authedSubscriptionProcedure = baseProcedure.use(function requireSubscriber({
  ctx,
  path,
  type,
  next,
}) {
  return observed(ctx, path, type, async () => {
    const { token } = ctx;
    const user = token
      ? await ctx.db.read((session) => authenticate(session, token), {
          stats: ctx.queryStats,
          timeoutMs: ctx.config.REQUEST_TIMEOUT_MS,
          label: `subscription ${path}`,
        })
      : null;
    if (!user || !token) {
      throw notSignedIn();
    }
    const actor: Actor = { userId: user.id };
    return next({ ctx: { user, actor, token } });
  });
});

import type { ActivityFeedHub } from '@trellis/activity';
import type { Database } from '@trellis/db';
import { TooManyRequestsError } from '@trellis/kernel';
import {
  fastifyRequestHandler,
  type FastifyTRPCPluginOptions,
} from '@trpc/server/adapters/fastify';
import type { TRPCError } from '@trpc/server';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appRouter, type AppRouter } from '../app-router';
import type { ApiConfig } from '../config';
import type { SubscriptionSlots } from '../live/subscription-slots';
import { createContextFactory, type Context } from '../trpc/context';
import type { ApiMetrics } from './metrics';
import { serverTimingHeader } from './server-timing';
import { registerLiveStreams } from './live-streams';
import { answerSingleCall } from './single-call-route';

/** Heartbeat of an idle live stream, so proxies keep it open (tRPC's default ping is 1 s). */
export const LIVE_PING_MS = 15_000;
/** A client that hears nothing (not even a heartbeat) for this long reconnects, resuming by id. */
export const LIVE_RECONNECT_AFTER_INACTIVITY_MS = 20_000;

/**
 * The routers at /trpc. Each answer carries Server-Timing for all the request's queries, and
 * Retry-After when a call was throttled or the database was unavailable; unexpected errors are
 * logged with their cause (clients see only "Internal server error").
 */
export async function registerTrpc(
  app: FastifyInstance,
  {
    config,
    db,
    metrics,
    feed,
    subscriptionSlots,
  }: {
    config: ApiConfig;
    db: Database;
    metrics: ApiMetrics;
    feed: ActivityFeedHub;
    subscriptionSlots: SubscriptionSlots;
  },
): Promise<void> {
  const createContext = createContextFactory({ config, db, metrics, feed, subscriptionSlots });
  const logUnexpected = (
    error: TRPCError,
    log: FastifyBaseLogger,
    path: string | undefined,
    type: string,
  ) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error(
        { err: error.cause ?? error, procedure: path, type },
        'procedure failed unexpectedly',
      );
    }
  };
  registerLiveStreams(app, {
    createContext: (request, reply, connectionParams) =>
      createContext.create(request, reply, { isBatchCall: false, connectionParams }),
    pingMs: LIVE_PING_MS,
    reconnectAfterInactivityMs: LIVE_RECONNECT_AFTER_INACTIVITY_MS,
    onError: (error, request, path) => logUnexpected(error, request.log, path, 'subscription'),
  });
  const responseHeaders = (ctx: Context | undefined, errors: readonly TRPCError[]) => {
    const headers: Record<string, string> = {};
    if (ctx) headers['server-timing'] = serverTimingHeader(ctx.queryStats);
    const throttled = errors.find((error) => error.cause instanceof TooManyRequestsError)?.cause;
    if (throttled instanceof TooManyRequestsError) {
      headers['retry-after'] = String(throttled.retryAfterSeconds);
    } else if (errors.some((error) => error.code === 'SERVICE_UNAVAILABLE')) {
      headers['retry-after'] = String(config.RETRY_AFTER_SECONDS);
    }
    return headers;
  };
  const trpcOptions = {
    router: appRouter,
    createContext,
    maxBatchSize: config.MAX_BATCH_SIZE,
    responseMeta: ({ ctx, errors }) => ({ headers: responseHeaders(ctx, errors) }),
    onError({ error, path, type, req }) {
      logUnexpected(error, req.log, path, type);
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'];
  const singleCall = {
    createContext: (request: FastifyRequest, reply: FastifyReply) =>
      createContext.create(request, reply, { isBatchCall: false, connectionParams: null }),
    responseHeaders,
    onError: (error: TRPCError, request: FastifyRequest, path: string, type: string) =>
      logUnexpected(error, request.log, path, type),
  };

  // What tRPC's fastifyTRPCPlugin registers (its two content-type parsers and one route for
  // every method), with the common single call answered first by answerSingleCall; everything
  // else goes to tRPC's own request handler.
  await app.register(async (trpc) => {
    trpc.removeContentTypeParser('application/json');
    trpc.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      done(null, body);
    });
    trpc.removeContentTypeParser('multipart/form-data');
    trpc.addContentTypeParser('multipart/form-data', {}, (_request, body, done) => {
      done(null, body);
    });
    trpc.all<{ Params: { path: string } }>('/trpc/:path', async (request, reply) => {
      const { path } = request.params;
      if (await answerSingleCall(request, reply, path, singleCall)) return reply;
      await fastifyRequestHandler({ ...trpcOptions, req: request, res: reply, path });
      return reply;
    });
  });
}

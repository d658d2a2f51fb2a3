import type { Database } from '@trellis/db';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { appRouter, type AppRouter } from '../app-router';
import type { ApiConfig } from '../config';
import { createContextFactory, requestQueryStats } from '../trpc/context';
import { requestIdFor } from './request-id';
import { serverTimingHeader } from './server-timing';

export interface ServerDependencies {
  config: ApiConfig;
  db: Database;
  /** Override Fastify's logger (tests pass false or a stream). */
  logger?: FastifyServerOptions['logger'];
}

/** Paths of headers and fields that must never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'token',
  '*.password',
  '*.token',
];

export async function buildServer({
  config,
  db,
  logger,
}: ServerDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.LOG_LEVEL,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: requestIdFor,
    // Fastify's two lines per request are replaced by the one onResponse line below.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 5_000 },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // One line per request: id, procedure(s), status, duration and query count; no headers, no body.
  app.addHook('onResponse', async (request, reply) => {
    const stats = requestQueryStats(request);
    request.log.info(
      {
        requestId: request.id,
        method: request.method,
        url: request.url.split('?')[0],
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        queries: stats.count,
      },
      'request completed',
    );
  });

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory({ config, db }),
      maxBatchSize: config.MAX_BATCH_SIZE,
      responseMeta({ ctx }) {
        return ctx ? { headers: { 'server-timing': serverTimingHeader(ctx.queryStats) } } : {};
      },
      onError({ error, path, type, req }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          req.log.error(
            { err: error.cause ?? error, procedure: path, type },
            'procedure failed unexpectedly',
          );
        }
      },
    } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
  });

  return app;
}

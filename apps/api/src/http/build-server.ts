import helmet from '@fastify/helmet';
import type { Database } from '@trellis/db';
import { TooManyRequestsError } from '@trellis/kernel';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { appRouter, type AppRouter } from '../app-router';
import type { ApiConfig } from '../config';
import { createContextFactory, requestQueryStats } from '../trpc/context';
import { registerHealthRoutes } from './health-routes';
import { LoadShedder } from './load-shedder';
import { ApiMetrics } from './metrics';
import { Readiness } from './readiness';
import { requestIdFor } from './request-id';
import { serverTimingHeader } from './server-timing';
import { trpcErrorBody } from './trpc-error-response';

export interface ServerDependencies {
  config: ApiConfig;
  db: Database;
  /** The process's logger (see createLogger); tests pass a silent one. */
  log: FastifyBaseLogger;
}

export interface ApiServer {
  app: FastifyInstance;
  readiness: Readiness;
  metrics: ApiMetrics;
  /** The metrics listener when METRICS_PORT is set; it is started by startApi. */
  metricsApp: FastifyInstance | undefined;
}

/** The procedures of a tRPC URL (`/trpc/a.b,c.d?batch=1` → `a.b,c.d`), for the request log. */
function proceduresOf(url: string): string | undefined {
  const match = /^\/trpc\/([^?]*)/.exec(url);
  return match?.[1] ? decodeURIComponent(match[1]).slice(0, 200) : undefined;
}

export async function buildServer({ config, db, log }: ServerDependencies): Promise<ApiServer> {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Slow or stuck clients lose their socket; the procedure's own deadline is REQUEST_TIMEOUT_MS.
    requestTimeout: config.REQUEST_TIMEOUT_MS + 5_000,
    trustProxy: config.TRUST_PROXY,
    genReqId: requestIdFor,
    // Fastify's two lines per request are replaced by the one onResponse line below.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 5_000 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const readiness = new Readiness();
  const metrics = new ApiMetrics(db);
  const shedder = new LoadShedder(db, {
    acquireWaitMs: config.SHED_ACQUIRE_WAIT_MS,
    eventLoopDelayMs: config.SHED_EVENT_LOOP_DELAY_MS,
  });
  app.addHook('onClose', async () => shedder.stop());

  await app.register(helmet, {
    // A JSON API: no content may be framed, scripted or sniffed.
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (!request.url.startsWith('/trpc')) return;
    reply.header('cache-control', 'no-store');
    // The tRPC adapter builds a fetch Request, whose constructor throws on TRACE (a 500 otherwise).
    if (request.method === 'TRACE') {
      return reply
        .code(405)
        .header('allow', 'GET, POST')
        .send(trpcErrorBody(request.url, 'METHOD_NOT_SUPPORTED', 405, 'Method not allowed'));
    }
    const reason = shedder.reason();
    if (reason) {
      metrics.shedRequests.inc({ reason });
      return reply
        .code(503)
        .header('retry-after', String(config.RETRY_AFTER_SECONDS))
        .send(
          trpcErrorBody(
            request.url,
            'SERVICE_UNAVAILABLE',
            503,
            `The service is overloaded (${reason}); retry later`,
          ),
        );
    }
  });

  // Once shutdown has begun, a response also ends its keep-alive connection: the server's close
  // waits for every open connection, so an idle keep-alive one (every load balancer keeps some)
  // would otherwise hold the shutdown until SHUTDOWN_GRACE_MS cuts it.
  app.addHook('onSend', async (_request, reply) => {
    if (readiness.shuttingDown) reply.header('connection', 'close');
  });

  // One line per request: id, procedures, status, duration and query count; no headers, no body.
  app.addHook('onResponse', async (request, reply) => {
    const stats = requestQueryStats(request);
    metrics.observeRequestQueries(stats.count, stats.durationMs);
    request.log.info(
      {
        requestId: request.id,
        method: request.method,
        procedure: proceduresOf(request.url),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 10) / 10,
        queries: stats.count,
      },
      'request completed',
    );
  });

  registerHealthRoutes(app, db, readiness);

  let metricsApp: FastifyInstance | undefined;
  if (config.METRICS_ENABLED) {
    const target =
      config.METRICS_PORT === undefined ? app : (metricsApp = Fastify({ logger: false }));
    target.get('/metrics', async (_request, reply) =>
      reply
        .header('content-type', metrics.registry.contentType)
        .send(await metrics.registry.metrics()),
    );
  }

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: createContextFactory({ config, db, metrics }),
      maxBatchSize: config.MAX_BATCH_SIZE,
      responseMeta({ ctx, errors }) {
        const headers: Record<string, string> = {};
        if (ctx) headers['server-timing'] = serverTimingHeader(ctx.queryStats);
        const throttled = errors.find(
          (error) => error.cause instanceof TooManyRequestsError,
        )?.cause;
        if (throttled instanceof TooManyRequestsError) {
          headers['retry-after'] = String(throttled.retryAfterSeconds);
        } else if (errors.some((error) => error.code === 'SERVICE_UNAVAILABLE')) {
          headers['retry-after'] = String(config.RETRY_AFTER_SECONDS);
        }
        return { headers };
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

  return { app, readiness, metrics, metricsApp };
}

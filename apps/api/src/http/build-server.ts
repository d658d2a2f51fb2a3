import { createHash, timingSafeEqual } from 'node:crypto';
import { ActivityFeedHub } from '@trellis/activity';
import type { Database } from '@trellis/db';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
} from 'fastify';
import type { ApiConfig } from '../config';
import { scheduleCredentialPurge } from '../maintenance/credential-purge';
import { registerAdmission } from './admission';
import { registerSecurityHeaders } from './security-headers';
import { registerHealthRoutes } from './health-routes';
import { registerInputLimits } from './input-limits';
import { LoadShedder } from './load-shedder';
import { ApiMetrics } from './metrics';
import { Readiness } from './readiness';
import { requestIdGenerator } from './request-id';
import { trpcErrorBody } from './trpc-error-response';
import { registerRequestLog } from './request-log';
import { registerTrpc } from './trpc-plugin';
import { trustedProxyCheck } from './trusted-proxies';
import { SubscriptionSlots } from '../live/subscription-slots';

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

export async function buildServer({ config, db, log }: ServerDependencies): Promise<ApiServer> {
  const app = Fastify({
    loggerInstance: log,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Slow or stuck clients lose their socket; the procedure's own deadline is REQUEST_TIMEOUT_MS.
    requestTimeout: config.REQUEST_TIMEOUT_MS + 5_000,
    trustProxy: config.TRUST_PROXY,
    genReqId: requestIdGenerator(trustedProxyCheck(config.TRUST_PROXY)),
    // Fastify's two lines per request are replaced by the one of request-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 5_000 },
    return503OnClosing: true,
    // Fastify's own answer to a malformed URL quotes the whole URL back: a fixed message instead.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode ?? 400;
      void (reply as unknown as FastifyReply)
        .code(status)
        .send(
          request.url.startsWith('/trpc')
            ? trpcErrorBody(request.url, 'BAD_REQUEST', status, 'Malformed URL', 1)
            : { statusCode: status, error: 'Bad Request', message: 'Malformed URL' },
        );
    },
    forceCloseConnections: 'idle',
  });
  const readiness = new Readiness();
  const metrics = new ApiMetrics(db);
  const shedder = new LoadShedder(db, {
    acquireWaitMs: config.SHED_ACQUIRE_WAIT_MS,
    eventLoopDelayMs: config.SHED_EVENT_LOOP_DELAY_MS,
  });
  app.addHook('onClose', async () => shedder.stop());
  const purge = scheduleCredentialPurge(db, config, log);
  app.addHook('onClose', async () => purge.stop());

  registerSecurityHeaders(app);

  registerAdmission(app, { config, shedder, metrics });

  // Once shutdown has begun, a response also ends its keep-alive connection: the server's close
  // waits for every open connection, so an idle keep-alive one (every load balancer keeps some)
  // would otherwise hold the shutdown until SHUTDOWN_GRACE_MS cuts it.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.shuttingDown) reply.header('connection', 'close');
    done(null, payload);
  });

  registerInputLimits(app, config);
  registerRequestLog(app, metrics);
  registerHealthRoutes(app, db, readiness);

  let metricsApp: FastifyInstance | undefined;
  if (config.METRICS_ENABLED) {
    const serveMetrics = async (_request: unknown, reply: FastifyReply) =>
      reply
        .header('content-type', metrics.registry.contentType)
        .send(await metrics.registry.metrics());
    if (config.METRICS_PORT !== undefined) {
      metricsApp = Fastify({ logger: false });
      metricsApp.get('/metrics', serveMetrics);
    } else if (config.METRICS_TOKEN !== undefined) {
      const isMetricsToken = bearerTokenCheck(config.METRICS_TOKEN);
      app.get('/metrics', async (request, reply) =>
        // 404, not 401: without the token the route is not there, as when it is not configured.
        isMetricsToken(request.headers.authorization)
          ? serveMetrics(request, reply)
          : reply.callNotFound(),
      );
    }
  }

  const feed = new ActivityFeedHub(db, {
    listenUrl: config.DATABASE_LISTEN_URL ?? db.config.url,
    logger: log,
    maxLag: config.SUBSCRIPTION_MAX_LAG,
    applicationName: db.config.applicationName,
    onDelivered: (ms) => metrics.feedCommitToDelivery.observe(ms / 1000),
  });
  const subscriptionSlots = new SubscriptionSlots({
    perUser: config.SUBSCRIPTIONS_PER_USER,
    max: config.SUBSCRIPTIONS_MAX,
  });
  metrics.observeLive({
    openSubscriptions: () => subscriptionSlots.open,
    eventsDelivered: () => feed.eventsDelivered,
    listenerReconnects: () => feed.listenerReconnects,
  });
  feed.start();
  // Before the server waits for open requests: ending the streams lets their responses finish
  // (each client reconnects, to another instance, and resumes from its last event).
  app.addHook('preClose', async () => feed.close());
  app.addHook('onClose', async () => feed.close());

  await registerTrpc(app, { config, db, metrics, feed, subscriptionSlots });

  return { app, readiness, metrics, metricsApp };
}

/** A constant-time check of `Authorization: Bearer <token>` (digests compared, so lengths may differ). */
function bearerTokenCheck(token: string): (header: string | undefined) => boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  const expected = digest(`Bearer ${token}`);
  return (header) => header !== undefined && timingSafeEqual(digest(header.trim()), expected);
}

import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config';
import type { LoadShedder } from './load-shedder';
import type { ApiMetrics } from './metrics';
import { trpcErrorBody } from './trpc-error-response';

/**
 * What happens to a request before any procedure runs: every answer carries its request id;
 * /trpc answers are never cached; a method the tRPC adapter cannot take is refused; and when
 * the process is too busy a new call is refused at once (503 + Retry-After) instead of queueing.
 */
export function registerAdmission(
  app: FastifyInstance,
  { config, shedder, metrics }: { config: ApiConfig; shedder: LoadShedder; metrics: ApiMetrics },
): void {
  // Callback-style hooks (here and in the other per-request hooks): an async hook costs Fastify
  // a promise and its settlement on every request, which showed in the profile of a short one.
  // Answering from the hook means sending the reply and not calling `done`.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (!request.url.startsWith('/trpc')) {
      done();
      return;
    }
    reply.header('cache-control', 'no-store');
    // The tRPC adapter builds a fetch Request, whose constructor throws on TRACE (a 500 otherwise).
    if (request.method === 'TRACE') {
      void reply
        .code(405)
        .header('allow', 'GET, POST')
        .send(
          trpcErrorBody(
            request.url,
            'METHOD_NOT_SUPPORTED',
            405,
            'Method not allowed',
            config.MAX_BATCH_SIZE,
          ),
        );
      return;
    }
    const reason = shedder.reason();
    if (reason) {
      metrics.shedRequests.inc({ reason });
      void reply
        .code(503)
        .header('retry-after', String(config.RETRY_AFTER_SECONDS))
        .send(
          trpcErrorBody(
            request.url,
            'SERVICE_UNAVAILABLE',
            503,
            `The service is overloaded (${reason}); retry later`,
            config.MAX_BATCH_SIZE,
          ),
        );
      return;
    }
    done();
  });
}

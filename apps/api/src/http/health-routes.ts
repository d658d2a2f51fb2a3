import type { Database } from '@trellis/db';
import type { FastifyInstance } from 'fastify';
import type { Readiness } from './readiness';

const READY_CHECK_TIMEOUT_MS = 1_000;

/** What /readyz tells anyone who asks; the cause goes to the log, for operators only. */
export const DATABASE_UNAVAILABLE = 'database unavailable';

/**
 * GET /healthz: the process is alive (no database call, so a database outage does not get the
 * process restarted). GET /readyz: a database round trip within a short deadline; 503 with a
 * generic reason when it fails or while shutting down, so the load balancer sends traffic
 * elsewhere. The database's own message (it can name the role, the database or the host) is
 * logged, never answered: /readyz is reachable by anyone who reaches the port.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  db: Database,
  readiness: Readiness,
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (request, reply) => {
    if (readiness.shuttingDown)
      return reply.code(503).send({ status: 'unavailable', reason: 'shutting down' });
    try {
      await db.read((session) => session.raw('select 1'), {
        timeoutMs: READY_CHECK_TIMEOUT_MS,
        retry: false,
      });
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: DATABASE_UNAVAILABLE });
    }
  });
}

import type { ServerResponse } from 'node:http';
import type { Database } from '@trellis/db';
import type { FastifyInstance } from 'fastify';
import type { Readiness } from './readiness';

export interface ShutdownTargets {
  app: FastifyInstance;
  metricsApp?: FastifyInstance | undefined;
  db: Database;
  readiness: Readiness;
  graceMs: number;
  /** Stops what the process started besides the server (the embedded database). */
  afterClose?: () => Promise<void>;
  exit?: (code: number) => void;
}

/**
 * SIGTERM / SIGINT: mark not ready, stop accepting, let requests in flight finish up to the
 * grace deadline (then cut the connections still open), drain the pool, exit 0. A second
 * signal exits at once (the same signal repeated within a second is one Ctrl-C echoed by the
 * runners, and ignored).
 *
 * Install it before the server listens: it counts the requests being handled, so that the
 * drain ends when the last one is answered. Connections left then hold at most a request the
 * client never finished sending (an aborted upload, a slow client): closing the server would
 * otherwise wait for them until the grace deadline.
 */
const ECHO_WINDOW_MS = 1_000;

export function installGracefulShutdown(
  targets: ShutdownTargets,
): (signal: string) => Promise<void> {
  const exit = targets.exit ?? ((code: number) => process.exit(code));
  let stopping: { signal: string; at: number } | undefined;
  let handling = 0;
  targets.app.server.on('request', (_request: unknown, response: ServerResponse) => {
    handling += 1;
    response.once('close', () => (handling -= 1));
  });
  const shutdown = async (signal: string) => {
    const { app } = targets;
    if (stopping) {
      // One Ctrl-C reaches us several times: from the terminal (to the whole process group)
      // and again from each runner in between (pnpm, turbo, tsx) forwarding it. The same signal
      // within a second is that echo, not an operator asking twice.
      if (signal === stopping.signal && Date.now() - stopping.at < ECHO_WINDOW_MS) return;
      app.log.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    stopping = { signal, at: Date.now() };
    const deadline = Date.now() + targets.graceMs;
    app.log.info(
      { signal, graceMs: targets.graceMs },
      'shutting down: not ready, draining requests',
    );
    targets.readiness.beginShutdown();
    const cutOff = setTimeout(() => {
      app.log.warn('grace period over: closing the connections still open');
      app.server.closeAllConnections();
    }, targets.graceMs);
    cutOff.unref();
    try {
      const closed = app.close();
      const sweep = setInterval(() => {
        if (handling === 0) app.server.closeAllConnections();
      }, 100);
      await closed.finally(() => clearInterval(sweep));
      await targets.metricsApp?.close();
      await targets.db.close({ deadlineMs: Math.max(0, deadline - Date.now()) });
      await targets.afterClose?.();
      app.log.info('shut down cleanly');
      exit(0);
    } catch (error) {
      app.log.error({ err: error }, 'shutdown failed');
      exit(1);
    } finally {
      clearTimeout(cutOff);
    }
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
  return shutdown;
}

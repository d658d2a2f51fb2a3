import type { Database } from '@trellis/db';
import { purgeExpiredCredentials } from '@trellis/identity';
import { purgeStaleInvitations } from '@trellis/workspaces';
import type { FastifyBaseLogger } from 'fastify';
import type { ApiConfig } from '../config';

/**
 * Deletes expired or revoked tokens, ended throttle windows and long-answered invitations every
 * PURGE_INTERVAL_SECONDS, so `auth_tokens`, `sign_in_failures` and `invitations` do not grow
 * without bound. Every instance runs it; the deletes are idempotent, batched, and a failure is logged and tried again next time. The timer
 * does not keep the process alive; `stop()` ends it (the server's close does).
 */
export function scheduleCredentialPurge(
  db: Database,
  config: ApiConfig,
  log: FastifyBaseLogger,
): { stop(): void; runOnce(): Promise<void> } {
  const counterWindowSeconds = Math.max(
    config.SIGN_IN_WINDOW_SECONDS,
    config.SIGN_UP_WINDOW_SECONDS,
  );
  let running: Promise<void> | undefined;
  const runOnce = async () => {
    try {
      const purged = await db.transaction(
        async (session) => ({
          ...(await purgeExpiredCredentials(session, { counterWindowSeconds })),
          // Answered or expired invitations, 30 days on (workspaces module).
          invitations: await purgeStaleInvitations(session),
        }),
        { timeoutMs: config.REQUEST_TIMEOUT_MS },
      );
      if (purged.counters + purged.tokens + purged.invitations > 0)
        log.info({ purged }, 'purged expired credentials');
    } catch (error) {
      log.warn({ err: error }, 'purging expired credentials failed; retrying at the next interval');
    }
  };
  const timer = setInterval(() => {
    running ??= runOnce().finally(() => (running = undefined));
  }, config.PURGE_INTERVAL_SECONDS * 1_000);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    runOnce,
  };
}

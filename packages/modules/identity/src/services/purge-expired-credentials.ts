import type { Session } from '@trellis/db';
import { purgeStaleCounters } from '../throttle/sign-in-failures';

export interface PurgeOptions {
  /** The longest throttle window in use (sign-in and sign-up): counters older than it are dead. */
  counterWindowSeconds: number;
  /** Most rows deleted per table per call, so one purge never holds long locks. */
  batchSize?: number;
}

/**
 * Deletes what can no longer matter: throttle counters whose window ended, and tokens that
 * expired or were revoked (authenticate refuses them anyway). Run on a schedule (the API does,
 * every PURGE_INTERVAL_SECONDS), so neither table grows without bound. Safe to run from every
 * instance at once: each delete is idempotent.
 */
export async function purgeExpiredCredentials(
  session: Session,
  { counterWindowSeconds, batchSize = 10_000 }: PurgeOptions,
): Promise<{ counters: number; tokens: number }> {
  const counters = await purgeStaleCounters(session, counterWindowSeconds, batchSize);
  const { rowCount: tokens } = await session.raw<{ rowCount: number }>(
    `delete from auth_tokens where id in (
       select id from auth_tokens where expires_at <= now() or revoked_at is not null limit ?)`,
    [batchSize],
  );
  return { counters, tokens };
}

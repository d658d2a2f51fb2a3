import type { Session } from '@trellis/db';

export interface InvitationPurgeOptions {
  /**
   * How long answered and expired invitations are kept (default 30 days): far longer than the
   * per-inviter throttle's window, which counts them, and long enough to look back on.
   */
  keepSeconds?: number;
  /** Most rows deleted per call, so one purge never holds long locks. */
  batchSize?: number;
}

const THIRTY_DAYS = 30 * 24 * 3600;

/**
 * Deletes invitations that were answered (accepted, declined, revoked) or expired more than
 * `keepSeconds` ago, so the table does not grow without bound. Run on a schedule by the API
 * (with the credential purge); idempotent, safe from every instance at once. One statement.
 */
export async function purgeStaleInvitations(
  session: Session,
  { keepSeconds = THIRTY_DAYS, batchSize = 10_000 }: InvitationPurgeOptions = {},
): Promise<number> {
  const { rowCount } = await session.raw<{ rowCount: number }>(
    `delete from invitations where id in (
       select id from invitations
        where (status <> 'pending' and answered_at < now() - make_interval(secs => ?))
           or (status = 'pending' and expires_at < now() - make_interval(secs => ?))
        limit ?)`,
    [keepSeconds, keepSeconds, batchSize],
  );
  return rowCount;
}

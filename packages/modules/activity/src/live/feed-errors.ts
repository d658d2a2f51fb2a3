/** Why a live feed subscription ended before its consumer stopped it. */
export type FeedEndReason = 'lagging' | 'shutting down';

/**
 * A subscription the hub ended: its consumer fell too far behind, or the instance is shutting
 * down. Either way nothing is lost: the consumer resumes from the last position it saw.
 */
export class FeedEndedError extends Error {
  override readonly name = 'FeedEndedError';
  readonly reason: FeedEndReason;

  constructor(reason: FeedEndReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

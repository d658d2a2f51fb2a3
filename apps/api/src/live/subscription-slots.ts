import { TooManyRequestsError } from '@trellis/kernel';

/**
 * Caps on open live-update streams: per user and per instance. A stream holds a socket and a
 * place in its workspace's fan-out for as long as it is open, so without caps one client could
 * open thousands.
 */
export class SubscriptionSlots {
  readonly #perUser: number;
  readonly #max: number;
  readonly #byUser = new Map<string, number>();
  #open = 0;

  constructor(limits: { perUser: number; max: number }) {
    this.#perUser = limits.perUser;
    this.#max = limits.max;
  }

  get open(): number {
    return this.#open;
  }

  /** Takes a slot for `userId`, or throws TooManyRequestsError; call the returned release once. */
  take(userId: string): () => void {
    const held = this.#byUser.get(userId) ?? 0;
    if (held >= this.#perUser) {
      throw new TooManyRequestsError(
        `At most ${this.#perUser} live streams per user are open at once; close one first`,
        5,
      );
    }
    if (this.#open >= this.#max) {
      throw new TooManyRequestsError(
        'This server holds as many live streams as it can; retry later',
        5,
      );
    }
    this.#byUser.set(userId, held + 1);
    this.#open += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#open -= 1;
      const left = (this.#byUser.get(userId) ?? 1) - 1;
      if (left === 0) this.#byUser.delete(userId);
      else this.#byUser.set(userId, left);
    };
  }
}

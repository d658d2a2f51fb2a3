import { TooManyRequestsError } from '@trellis/kernel';

export interface PasswordHashQueueLimits {
  /** Hashes computed at once. Node runs scrypt on libuv's thread pool (4 threads by default). */
  concurrency: number;
  /** Hashes allowed to wait for a turn; past that a call is refused at once. */
  maxWaiting: number;
}

export const DEFAULT_PASSWORD_HASH_LIMITS: PasswordHashQueueLimits = {
  concurrency: 4,
  maxWaiting: 32,
};

/** The Retry-After of a refusal: a turn frees up within tens of milliseconds. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Bounds the password hashing (scrypt: ~16 MiB and tens of milliseconds each) a process does at
 * once. Without it, a flood of anonymous sign-ups or sign-ins queues unbounded work on the thread
 * pool, which event-loop lag shedding does not see, and every other user of that pool waits.
 * A call beyond `concurrency` waits its turn; beyond `maxWaiting` it is refused at once with
 * TooManyRequestsError (429 + Retry-After), before any work is done.
 */
export class PasswordHashQueue {
  readonly #limits: PasswordHashQueueLimits;
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(limits: PasswordHashQueueLimits = DEFAULT_PASSWORD_HASH_LIMITS) {
    if (limits.concurrency < 1 || limits.maxWaiting < 0) {
      throw new RangeError('a password hash queue needs concurrency ≥ 1 and maxWaiting ≥ 0');
    }
    this.#limits = limits;
  }

  /** Hashes running and waiting right now. */
  get load(): { running: number; waiting: number } {
    return { running: this.#running, waiting: this.#waiting.length };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limits.concurrency) {
      if (this.#waiting.length >= this.#limits.maxWaiting) {
        throw new TooManyRequestsError(
          'Too many sign-ins and sign-ups in progress; try again shortly',
          RETRY_AFTER_SECONDS,
        );
      }
      // The turn is handed over by the call that finishes (see below): #running stays counted.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#running -= 1;
    }
  }
}

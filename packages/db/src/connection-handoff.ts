import type { Knex } from 'knex';
import { DatabaseUnavailableError } from './errors';
import {
  acquireConnection,
  isReusable,
  poolCanLend,
  releaseConnection,
  type PooledConnection,
} from './knex-adapter';

interface Waiter {
  resolve: (connection: PooledConnection) => void;
  reject: (error: unknown) => void;
  /** performance.now() when it started waiting. */
  since: number;
}

/**
 * Passes a connection from the transaction that ends straight to the one that has waited
 * longest, while knex's pool is full. Through the pool, every loan cost tarn two pending
 * operations with their timeout timers, a validation chain and knex's wrappers: about a tenth of
 * a short request's CPU, and more state kept alive by each of the hundreds of requests that wait
 * at 256 connections. The pool still opens, validates, retires and closes every connection:
 *
 * - A borrower goes to the pool when it can lend at once (a free connection, or room to open
 *   one) and nobody waits here; otherwise it waits here, first come, first served.
 * - A connection given back goes to the first waiter only if it passes knex's own check for a
 *   loan (isReusable: not disposed, not past its lifetime); otherwise it goes back to the pool,
 *   which destroys it, and the waiter borrows from the pool, which opens a new one.
 * - A waiter goes to the pool as soon as the pool can lend (a connection was destroyed, or one
 *   was opened for a borrower that gave up), and a failed loan from the pool (the server is down)
 *   sends the next waiter to the pool too, so every waiter hears the failure at once, as with
 *   knex's `propagateCreateError`, instead of waiting out its deadline.
 * - A waiter gives up after the pool's acquire timeout, as a borrower in the pool's queue does
 *   (DatabaseUnavailableError). Waiters are in arrival order, so one timer, set for the first,
 *   serves them all.
 */
export class ConnectionHandoff {
  readonly #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly knex: Knex,
    private readonly limits: { max: number; acquireTimeoutMs: number },
  ) {}

  /** Borrowers waiting here (the pool's own queue is counted by the pool). */
  get waiting(): number {
    return this.#waiters.length;
  }

  borrow(): Promise<PooledConnection> {
    if (this.#waiters.length === 0 && poolCanLend(this.knex, this.limits.max)) {
      return this.#fromPool();
    }
    return new Promise<PooledConnection>((resolve, reject) => {
      this.#waiters.push({ resolve, reject, since: performance.now() });
      this.#timer ??= this.#expireLater();
    });
  }

  giveBack(connection: PooledConnection): void {
    if (this.#waiters.length === 0) {
      releaseConnection(this.knex, connection);
      return;
    }
    void isReusable(this.knex, connection).then((reusable) => {
      const waiter = this.#waiters.shift();
      if (waiter && reusable) {
        waiter.resolve(connection);
      } else {
        releaseConnection(this.knex, connection);
        if (waiter) this.#fromPool().then(waiter.resolve, waiter.reject);
      }
      this.#sendWaitersToPool();
    });
  }

  /** Every waiter gets `error` (the database is closing; the pool is gone). */
  rejectAll(error: Error): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }

  /** Fires when the first waiter's acquire timeout runs out (the first may have changed by then). */
  #expireLater(): NodeJS.Timeout {
    const first = this.#waiters[0]!;
    const timer = setTimeout(
      () => {
        this.#timer = undefined;
        const now = performance.now();
        while (
          this.#waiters.length > 0 &&
          now - this.#waiters[0]!.since >= this.limits.acquireTimeoutMs
        ) {
          this.#waiters
            .shift()!
            .reject(
              new DatabaseUnavailableError('no connection became free within the acquire timeout'),
            );
        }
        if (this.#waiters.length > 0) this.#timer = this.#expireLater();
      },
      Math.max(0, first.since + this.limits.acquireTimeoutMs - performance.now()),
    );
    // The transactions' own deadlines keep the process alive while anything waits.
    timer.unref();
    return timer;
  }

  #fromPool(): Promise<PooledConnection> {
    return acquireConnection(this.knex).catch((error: unknown) => {
      const next = this.#waiters.shift();
      if (next) this.#fromPool().then(next.resolve, next.reject);
      throw error;
    });
  }

  #sendWaitersToPool(): void {
    while (this.#waiters.length > 0 && poolCanLend(this.knex, this.limits.max)) {
      const waiter = this.#waiters.shift()!;
      this.#fromPool().then(waiter.resolve, waiter.reject);
    }
  }
}

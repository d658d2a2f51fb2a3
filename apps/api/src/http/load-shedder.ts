import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Database } from '@trellis/db';

export type ShedReason = 'pool_saturated' | 'event_loop_lag';

/**
 * Decides, per new request, whether the process is too busy to take it: a transaction has
 * waited too long for a connection, or the event loop lags. Refusing at once (503 +
 * Retry-After) keeps queues bounded and the requests already admitted healthy.
 */
export class LoadShedder {
  readonly #histogram: IntervalHistogram;
  readonly #timer: NodeJS.Timeout;
  #lagMs = 0;

  constructor(
    private readonly db: Database,
    private readonly limits: { acquireWaitMs: number; eventLoopDelayMs: number },
  ) {
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    // p99 of the last second, so one slow tick does not shed and a sustained lag does.
    this.#timer = setInterval(() => {
      this.#lagMs = this.#histogram.percentile(99) / 1e6;
      this.#histogram.reset();
    }, 1_000);
    this.#timer.unref();
  }

  get eventLoopLagMs(): number {
    return this.#lagMs;
  }

  reason(): ShedReason | null {
    if (this.db.oldestAcquireWaitMs() > this.limits.acquireWaitMs) return 'pool_saturated';
    if (this.#lagMs > this.limits.eventLoopDelayMs) return 'event_loop_lag';
    return null;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }
}

import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from './app-router.generated';
import { TrellisError } from './trellis-error';

export interface RetryOptions {
  /** Retries after the first attempt (default 3; 0 turns retrying off). */
  retries?: number;
  /** First backoff step (default 250 ms); it doubles per retry, with full jitter. */
  baseDelayMs?: number;
  /**
   * Longest wait before a retry (default 10 s). A `Retry-After` longer than this is not waited
   * out: the error reaches the caller at once, with `retryAfterSeconds` set.
   */
  maxDelayMs?: number;
}

const DEFAULTS: Required<RetryOptions> = { retries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * How long to wait before retrying a failed call, or undefined to give up. Only queries are
 * retried (they read and change nothing); a mutation is never sent twice by the client on its
 * own, because its first attempt may have been applied even though the answer was lost.
 * Retried: network errors (no answer at all) and 503 (overloaded, database unavailable); a
 * 503's `Retry-After` is waited out when it is within `maxDelayMs`.
 */
export function retryDelayMs(
  error: TrellisError,
  type: 'query' | 'mutation' | 'subscription',
  retriesDone: number,
  options: Required<RetryOptions>,
  random: () => number = Math.random,
): number | undefined {
  if (type !== 'query' || retriesDone >= options.retries) return undefined;
  const transient = error.status === 503 || (error.code === 'NETWORK_ERROR' && !error.status);
  if (!transient) return undefined;
  const backoff = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retriesDone);
  const jittered = Math.round(backoff * (0.5 + random() / 2));
  if (error.retryAfterSeconds === undefined) return jittered;
  const asked = error.retryAfterSeconds * 1000;
  return asked > options.maxDelayMs ? undefined : Math.max(asked, jittered);
}

/**
 * The first link of a Trellis client: turns every failure into a TrellisError and retries
 * queries that failed for a transient reason (see retryDelayMs). Placed before the HTTP link,
 * so each call is retried on its own even when it travelled in a batch.
 */
export function safeRetryLink(options: RetryOptions = {}): TRPCLink<AppRouter> {
  const settings = { ...DEFAULTS, ...options };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let retriesDone = 0;
        const attempt = () => {
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (cause) => {
              const error = new TrellisError(
                cause instanceof TRPCClientError ? cause : TRPCClientError.from(cause),
              );
              const delay = op.signal?.aborted
                ? undefined
                : retryDelayMs(error, op.type, retriesDone, settings);
              if (delay === undefined) {
                observer.error(error);
                return;
              }
              retriesDone += 1;
              timer = setTimeout(attempt, delay);
            },
          });
        };
        attempt();
        return () => {
          clearTimeout(timer);
          subscription?.unsubscribe();
        };
      });
}

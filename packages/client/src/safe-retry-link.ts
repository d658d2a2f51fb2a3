import { TRPCClientError, type TRPCLink } from '@trpc/client';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from './app-router.generated';
import { TrellisError } from './trellis-error';

export interface RetryOptions {
  /** Retries of a query after its first attempt (default 3; 0 turns retrying off). */
  retries?: number;
  /** First backoff step (default 250 ms); it doubles per retry, with full jitter. */
  baseDelayMs?: number;
  /**
   * Longest wait before a retry (default 10 s). A `Retry-After` longer than this is not waited
   * out: the error reaches the caller at once, with `retryAfterSeconds` set.
   */
  maxDelayMs?: number;
  /**
   * Reopen a subscription whose stream was refused for a transient reason (a 502/503/504
   * answer instead of the stream, e.g. load shedding or an instance draining), after the same
   * backoff, from the last event id it delivered (default true). Not bounded by `retries`: a
   * live stream is meant to stay open, as EventSource keeps reconnecting after a network error;
   * the backoff starts again once a stream is connected.
   */
  reopenSubscriptions?: boolean;
}

/** The settings retryDelayMs reads (`reopenSubscriptions` defaults to true). */
export type RetrySettings = Required<Omit<RetryOptions, 'reopenSubscriptions'>> &
  Pick<RetryOptions, 'reopenSubscriptions'>;

const DEFAULTS: Required<RetryOptions> = {
  retries: 3,
  baseDelayMs: 250,
  maxDelayMs: 10_000,
  reopenSubscriptions: true,
};

/**
 * How long to wait before retrying a failed call, or undefined to give up. Queries are
 * retried (they read and change nothing); a mutation is never sent twice by the client on its
 * own, because its first attempt may have been applied even though the answer was lost.
 * Retried: network errors (no answer at all) and 503 (overloaded, database unavailable); a
 * 503's `Retry-After` is waited out when it is within `maxDelayMs`.
 *
 * Subscriptions (`retriesDone` counts the failures since the stream was last connected) are
 * reopened on network errors and 502/503/504 without a limit on the count, unless
 * `reopenSubscriptions` is false. Errors the server sends inside the stream never get here as
 * transient ones: tRPC's link reconnects by itself on SERVICE_UNAVAILABLE and its kin.
 */
export function retryDelayMs(
  error: TrellisError,
  type: 'query' | 'mutation' | 'subscription',
  retriesDone: number,
  options: RetrySettings,
  random: () => number = Math.random,
): number | undefined {
  if (type === 'mutation') return undefined;
  if (type === 'query' && retriesDone >= options.retries) return undefined;
  if (type === 'subscription' && options.reopenSubscriptions === false) return undefined;
  const unavailable =
    error.status === 503 || (type === 'subscription' && [502, 504].includes(error.status ?? 0));
  const transient = unavailable || (error.code === 'NETWORK_ERROR' && !error.status);
  if (!transient) return undefined;
  const backoff = Math.min(
    options.maxDelayMs,
    options.baseDelayMs * 2 ** Math.min(retriesDone, 30),
  );
  const jittered = Math.round(backoff * (0.5 + random() / 2));
  if (error.retryAfterSeconds === undefined) return jittered;
  const asked = error.retryAfterSeconds * 1000;
  return asked > options.maxDelayMs ? undefined : Math.max(asked, jittered);
}

/** The input of a reopened subscription: the original one, resuming after `lastEventId`. */
function resumingInput(input: unknown, lastEventId: string | undefined): unknown {
  if (lastEventId === undefined) return input;
  if (input !== null && input !== undefined && typeof input !== 'object') return input;
  return { ...(input ?? {}), lastEventId };
}

/**
 * The first link of a Trellis client: turns every failure into a TrellisError, retries
 * queries that failed for a transient reason and reopens subscriptions refused for one (see
 * retryDelayMs). Placed before the HTTP links, so each call is retried on its own even when it
 * travelled in a batch.
 */
export function safeRetryLink(options: RetryOptions = {}): TRPCLink<AppRouter> {
  const settings = { ...DEFAULTS, ...options };
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let retriesDone = 0;
        // The id of the last event a subscription delivered: a reopened one resumes after it.
        let lastEventId: string | undefined;
        const attempt = () => {
          const current =
            op.type === 'subscription' && lastEventId !== undefined
              ? { ...op, input: resumingInput(op.input, lastEventId) }
              : op;
          subscription = next(current).subscribe({
            next: (value) => {
              if (op.type === 'subscription') {
                const result = value.result as { type?: string; id?: unknown };
                if (
                  (result.type === undefined || result.type === 'data') &&
                  typeof result.id === 'string' &&
                  result.id !== ''
                ) {
                  lastEventId = result.id;
                }
                // Connected again: a later failure starts the backoff from the beginning.
                if (result.type === 'started') retriesDone = 0;
              }
              observer.next(value);
            },
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
              if (op.type === 'subscription') {
                // What onConnectionStateChange reports while the stream is being reopened.
                observer.next({ result: { type: 'state', state: 'connecting', error } });
              }
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

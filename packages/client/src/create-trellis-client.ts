import { createTRPCClient, httpBatchLink, splitLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from './app-router.generated';
import { apiOnlyFetch } from './non-api-response-error';
import { safeRetryLink, type RetryOptions } from './safe-retry-link';
import { subscriptionLink, type SubscriptionTokenTransport } from './subscription-link';

/** A bearer token, or a function that gives the current one (read before every request). */
export type TokenSource = string | (() => string | undefined | Promise<string | undefined>);

export interface TrellisClientOptions {
  /** The API's tRPC endpoint, e.g. `http://127.0.0.1:3000/trpc`. */
  url: string;
  /**
   * Sent as `Authorization: Bearer <token>` on every call; omit for signUp/signIn. A
   * subscription sends it as `subscriptionToken` says, read again at every reconnection.
   */
  token?: TokenSource;
  /**
   * A fetch implementation (tests, proxies, older runtimes); the global fetch otherwise.
   * Subscriptions use it too when they send the token as a header.
   */
  fetch?: typeof globalThis.fetch;
  /**
   * Extra headers for every request (the token's `authorization` wins over one here); not sent
   * by subscriptions in `connectionParams` mode (an EventSource cannot send headers).
   */
  headers?: Record<string, string>;
  /**
   * Retrying of queries on network errors and 503, and reopening of subscriptions refused for a
   * transient reason (see RetryOptions); `false` turns both off.
   */
  retry?: RetryOptions | false;
  /**
   * How subscriptions send the token: `header` (default on Node: the `eventsource` package,
   * `Authorization: Bearer`) or `connectionParams` (default in browsers: the global
   * EventSource, the token in tRPC's `connectionParams`, which travel in the URL).
   */
  subscriptionToken?: SubscriptionTokenTransport;
}

export type TrellisClient = TRPCClient<AppRouter>;

/**
 * Longest GET URL a batch of queries may make before it is split into several requests: 2083
 * characters is what every browser, proxy and CDN in use accepts (Internet Explorer's limit,
 * the lowest of them); queries carry their input in the URL.
 */
export const MAX_URL_LENGTH = 2083;

/** Calls per HTTP request, at most: the API's MAX_BATCH_SIZE default (10; more is refused with 400). */
export const MAX_BATCH_ITEMS = 10;

/**
 * A typed client of the Trellis API.
 *
 * Transport: `httpBatchLink` (calls made in the same tick travel in one request), not the
 * streaming batch link. The streaming link answers with status 200 and headers before any
 * call has finished, so each call's HTTP status and the API's `Retry-After` (load shedding,
 * throttling) would be lost; the API answers in well under a second, so streaming would gain
 * little and cost the safe-retry rules (503 only) and proxy compatibility (buffering).
 *
 * Subscriptions (`client.activity.onEvent.subscribe(input, { onData })`) travel over
 * Server-Sent Events (httpSubscriptionLink, see subscription-link.ts): each event is
 * `{ id, data }`, and a dropped stream resumes after the last id it delivered.
 *
 * Every failure is a TrellisError (code, HTTP status, message, field issues); queries retry on
 * network errors and 503, mutations never retry.
 */
export function createTrellisClient(options: TrellisClientOptions): TrellisClient {
  const { url, token, headers = {}, retry = {} } = options;
  const fetchImpl = apiOnlyFetch(options.fetch);
  const readToken = async () => (typeof token === 'function' ? await token() : token);
  return createTRPCClient<AppRouter>({
    links: [
      safeRetryLink(retry === false ? { retries: 0, reopenSubscriptions: false } : retry),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: subscriptionLink({
          url,
          readToken,
          headers,
          fetch: options.fetch,
          transport: options.subscriptionToken,
        }),
        false: httpBatchLink({
          url,
          transformer: superjson,
          maxURLLength: MAX_URL_LENGTH,
          maxItems: MAX_BATCH_ITEMS,
          async headers() {
            const current = await readToken();
            return current ? { ...headers, authorization: `Bearer ${current}` } : { ...headers };
          },
          // httpBatchLink declares its own fetch type (no DOM lib); the calls are the same.
          fetch: (input, init) => fetchImpl(input as never, init as never),
        }),
      }),
    ],
  });
}

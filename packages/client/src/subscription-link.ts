import { httpSubscriptionLink, type TRPCLink } from '@trpc/client';
import { EventSource as FetchEventSource } from 'eventsource';
import superjson from 'superjson';
import type { AppRouter } from './app-router.generated';

/**
 * How a subscription sends the bearer token:
 * - `header`: `Authorization: Bearer <token>`, through the `eventsource` package (an EventSource
 *   built on fetch, which can send headers). The default on Node (20 has no EventSource).
 * - `connectionParams`: tRPC's `connectionParams: { token }`, which travels in the stream's URL
 *   (query string), through the global EventSource. The default in browsers: their EventSource
 *   cannot send headers.
 */
export type SubscriptionTokenTransport = 'header' | 'connectionParams';

export interface SubscriptionLinkOptions {
  url: string;
  /** The current token (undefined: none), read before every connection and reconnection. */
  readToken: () => Promise<string | undefined>;
  /** Extra headers (`header` transport only; an EventSource cannot send them). */
  headers: Record<string, string>;
  /** The fetch behind the `eventsource` package (`header` transport); the global one otherwise. */
  fetch: typeof globalThis.fetch | undefined;
  transport: SubscriptionTokenTransport | undefined;
}

/** Node (and runtimes that say they are Node, such as Bun and Deno): no header-less EventSource. */
function runsOnNode(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: unknown } } }).process;
  return typeof process?.versions?.node === 'string';
}

export function defaultSubscriptionTransport(): SubscriptionTokenTransport {
  return runsOnNode() ? 'header' : 'connectionParams';
}

/**
 * The terminating link of subscriptions: tRPC's httpSubscriptionLink (Server-Sent Events,
 * superjson like the other calls). The link and EventSource reconnect by themselves when a
 * stream drops or ends with a retryable code (SERVICE_UNAVAILABLE on shutdown or for a consumer
 * too far behind), sending the last event id (the `lastEventId` input, or EventSource's
 * Last-Event-ID header), so the stream resumes where it stopped; safeRetryLink reopens it when a
 * reconnection itself is refused (a 503 answered before the stream starts).
 */
export function subscriptionLink(options: SubscriptionLinkOptions): TRPCLink<AppRouter> {
  const { url, readToken, headers } = options;
  const transport = options.transport ?? defaultSubscriptionTransport();
  if (transport === 'header') {
    return httpSubscriptionLink({
      url,
      transformer: superjson,
      EventSource: FetchEventSource,
      eventSourceOptions: {
        // Called for the first connection and every reconnection: the token is read each time.
        fetch: async (input, init) => {
          const token = await readToken();
          const base = options.fetch ?? globalThis.fetch;
          const merged: Record<string, string> = {};
          for (const [name, value] of Object.entries(headers)) {
            if (!(token && name.toLowerCase() === 'authorization')) merged[name] = value;
          }
          // EventSource's own headers (Accept, Last-Event-ID) win over the extra ones.
          Object.assign(merged, init.headers);
          if (token) merged.authorization = `Bearer ${token}`;
          return base(input, { ...init, headers: merged });
        },
      },
    });
  }
  // The runtime's own EventSource (a browser's; Node 20 has none, then the package's is used).
  const BrowserEventSource = (globalThis as unknown as { EventSource?: typeof FetchEventSource })
    .EventSource;
  return httpSubscriptionLink({
    url,
    transformer: superjson,
    EventSource: BrowserEventSource ?? FetchEventSource,
    connectionParams: async () => {
      const token = await readToken();
      return token ? { token } : {};
    },
  });
}

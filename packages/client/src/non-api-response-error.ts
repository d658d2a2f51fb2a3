/**
 * A failed HTTP answer that is not the API's (a proxy's or load balancer's 502/503/504 page, a
 * wrong URL): it has no tRPC error body, so tRPC alone would lose its status and Retry-After.
 * The client's fetch throws this for them; TrellisError reads both back out.
 */
export class NonApiResponseError extends Error {
  readonly status: number;
  readonly retryAfter: string | null;

  constructor(response: Response) {
    super(`The server answered HTTP ${response.status} without an API response`);
    this.name = 'NonApiResponseError';
    this.status = response.status;
    this.retryAfter = response.headers.get('retry-after');
  }
}

/** Wraps a fetch so that a failed answer without a JSON body becomes a NonApiResponseError. */
export function apiOnlyFetch(base: typeof fetch | undefined): typeof fetch {
  return async (input, init) => {
    // Looked up per call, not at creation: browsers and test setups may install fetch later.
    const response = await (base ?? globalThis.fetch)(input, init);
    const json = (response.headers.get('content-type') ?? '').includes('json');
    if (!response.ok && !json) {
      await response.body?.cancel();
      throw new NonApiResponseError(response);
    }
    return response;
  };
}

import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';

/** Separators of a batch's procedure list in a URL path: `,` as sent, or percent-encoded. */
const BATCH_SEPARATOR = /,|%2c/gi;

/**
 * The body of an error answered before tRPC runs (load shedding, a refused method), in tRPC's
 * own envelope and transformer, so typed clients get a TRPCClientError with `data.code` like
 * any other error: one entry per call for a batched request.
 *
 * The number of entries is capped by `maxBatchSize`: a URL naming more calls than a batch may
 * hold (which tRPC itself would refuse) gets ONE envelope, so the size of this answer never
 * grows with the URL (a 5 KB path of commas once produced a 609 KB body).
 */
export function trpcErrorBody(
  url: string,
  code: TRPC_ERROR_CODE_KEY,
  httpStatus: number,
  message: string,
  maxBatchSize: number,
): unknown {
  const envelope = {
    error: superjson.serialize({
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus },
    }),
  };
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || !new URLSearchParams(url.slice(queryStart + 1)).has('batch')) {
    return envelope;
  }
  // Counted on the raw path: nothing is decoded, so a malformed escape cannot throw here.
  const path = url.slice(0, queryStart);
  const calls = (path.match(BATCH_SEPARATOR)?.length ?? 0) + 1;
  if (calls > maxBatchSize) return envelope;
  return Array.from({ length: calls }, () => envelope);
}

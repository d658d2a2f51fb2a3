import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import superjson from 'superjson';

/**
 * The body of an error answered before tRPC runs (load shedding, a refused method), in tRPC's
 * own envelope and transformer, so typed clients get a TRPCClientError with `data.code` like
 * any other error: one entry per call for a batched request.
 */
export function trpcErrorBody(
  url: string,
  code: TRPC_ERROR_CODE_KEY,
  httpStatus: number,
  message: string,
): unknown {
  const envelope = {
    error: superjson.serialize({
      message,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      data: { code, httpStatus },
    }),
  };
  const [path = '', query = ''] = url.split('?');
  if (!new URLSearchParams(query).has('batch')) return envelope;
  const calls = decodeURIComponent(path.replace(/^\/trpc\/?/, '')).split(',').length;
  return Array.from({ length: Math.max(1, calls) }, () => envelope);
}

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id: a well-formed `x-request-id` when the connection comes from a trusted proxy
 * (TRUST_PROXY, see trusted-proxies.ts), so the balancer's id follows the request into our log;
 * from anyone else a fresh UUID, so a client cannot plant ids in the log or make its requests
 * look like someone else's.
 */
export function requestIdGenerator(
  isTrustedProxy: (peerAddress: string | undefined) => boolean,
): (request: IncomingMessage) => string {
  return (request) => {
    const header = request.headers['x-request-id'];
    if (header === undefined) return randomUUID();
    const candidate = Array.isArray(header) ? header[0] : header;
    return candidate &&
      ACCEPTABLE_REQUEST_ID.test(candidate) &&
      isTrustedProxy(request.socket.remoteAddress)
      ? candidate
      : randomUUID();
  };
}

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one incoming request, in order; `pass` once the plan runs out. */
export type Fault = 'pass' | 'reset' | { status: number; retryAfter?: string };

export interface FaultProxy {
  /** The tRPC URL through the proxy. */
  readonly url: string;
  /** Arrival time (ms, performance.now) and path of every request that reached the proxy. */
  readonly seen: Array<{ at: number; path: string }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback in front of the real API: it answers each request as its
 * plan says (a 503 with Retry-After, a reset connection) and forwards the others unchanged.
 */
export async function startFaultProxy(target: string, plan: Fault[]): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: FaultProxy['seen'] = [];
  const server: Server = createServer((incoming, outgoing) => {
    seen.push({ at: performance.now(), path: incoming.url ?? '' });
    const fault = plan.shift() ?? 'pass';
    if (fault === 'reset') {
      incoming.socket.destroy();
      return;
    }
    if (fault !== 'pass') {
      outgoing.writeHead(fault.status, {
        'content-type': 'text/plain',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      outgoing.end('unavailable');
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

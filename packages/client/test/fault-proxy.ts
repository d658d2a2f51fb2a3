import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does with one incoming request, in order; `pass` once the plan runs out. */
export type Fault = 'pass' | 'reset' | { status: number; retryAfter?: string };

export interface FaultProxy {
  /** The tRPC URL through the proxy. */
  readonly url: string;
  /**
   * Arrival time (ms, performance.now), path, Authorization and Last-Event-ID headers of every
   * request that reached the proxy.
   */
  readonly seen: Array<{
    at: number;
    path: string;
    authorization: string | undefined;
    lastEventId: string | undefined;
  }>;
  /** Cuts every open connection (a stream in progress too), as a network failure would. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * A real HTTP server on loopback in front of the real API: it answers each request as its
 * plan says (a 503 with Retry-After, a reset connection) and forwards the others unchanged.
 */
export async function startFaultProxy(target: string, plan: Fault[]): Promise<FaultProxy> {
  const upstream = new URL(target);
  const seen: FaultProxy['seen'] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((incoming, outgoing) => {
    const lastEventId = incoming.headers['last-event-id'];
    seen.push({
      at: performance.now(),
      path: incoming.url ?? '',
      authorization: incoming.headers.authorization,
      lastEventId: Array.isArray(lastEventId) ? lastEventId[0] : lastEventId,
    });
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
    // A client that goes away takes the upstream request with it (a stream too).
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) forwarded.destroy();
    });
    forwarded.once('error', () => incoming.socket.destroy());
    incoming.pipe(forwarded);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    seen,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import type { PooledConnection } from './knex-adapter';

/**
 * The one reach into `pg`'s internals: a Client's `connection.stream`, the socket its messages
 * are written to. test/write-batching.test.ts pins it, so a `pg` upgrade that moves it fails
 * there first (and until then, without a socket to hold, writes simply go out one by one).
 */
interface ClientWithSocket {
  connection?: { stream?: { cork?: () => void; uncork?: () => void } };
}

/**
 * Holds the connection's writes until the current chain of promise callbacks has run, then
 * sends them in one system call: a transaction's BEGIN and its first statement, which the
 * pipeline sends back to back, leave in one write instead of two. On our machines a write to a
 * loopback socket costs about as much CPU as parsing a small answer.
 */
export function batchWritesUntilNextTick(connection: PooledConnection): void {
  const socket = (connection as ClientWithSocket).connection?.stream;
  if (!socket?.cork || !socket.uncork) return;
  socket.cork();
  // process.nextTick from inside a promise callback runs once the microtask queue is empty:
  // after every statement the transaction's first synchronous steps send.
  process.nextTick(() => socket.uncork?.());
}

import type { Database } from '../database';
import { acquireConnection, releaseConnection } from '../knex-adapter';

/** The net.Socket methods a write ends in: one call per system call. */
interface SocketInternals {
  _write: (this: SocketInternals, chunk: unknown, encoding: string, callback: () => void) => void;
  _writev: (this: SocketInternals, chunks: Array<{ chunk: unknown }>, callback: () => void) => void;
}

/** The protocol messages in `chunk`: 'Q:BEGIN' (a simple query, by its first word), 'P', 'B'… */
function messagesOf(chunk: unknown): string[] {
  const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
  const messages: string[] = [];
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    const type = String.fromCharCode(bytes[at] ?? 0);
    // A simple query by its first word: 'Q:BEGIN', 'Q:COMMIT'.
    const firstWord = bytes
      .subarray(at + 5, at + 13)
      .toString()
      .split(/[\s\0]/)[0];
    const text = type === 'Q' ? `:${firstWord}` : '';
    messages.push(type + text);
  }
  return messages;
}

/**
 * Every write (one system call each) that the connection `db`'s pool lends first makes while
 * `run` runs, as the protocol messages it carried: `[['Q:BEGIN', 'B', 'E', 'S'], ['Q:COMMIT']]`.
 * For a pool of one connection, whose every transaction goes through that socket. Reaches into
 * Node's net.Socket (`_write`, `_writev`) and pg's Client (`connection.stream`): a test of the
 * writes a transaction makes has no public place to watch them.
 */
export async function recordConnectionWrites(
  db: Database,
  run: () => Promise<unknown>,
): Promise<string[][]> {
  const connection = await acquireConnection(db.knex);
  const socket = (connection as unknown as { connection: { stream: SocketInternals } }).connection
    .stream;
  releaseConnection(db.knex, connection);
  const writes: string[][] = [];
  const { _write: write, _writev: writev } = socket;
  socket._write = function (chunk, encoding, callback) {
    writes.push(messagesOf(chunk));
    return write.call(this, chunk, encoding, callback);
  };
  socket._writev = function (chunks, callback) {
    writes.push(chunks.flatMap(({ chunk }) => messagesOf(chunk)));
    return writev.call(this, chunks, callback);
  };
  try {
    await run();
  } finally {
    socket._write = write;
    socket._writev = writev;
  }
  return writes;
}

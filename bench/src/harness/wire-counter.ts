import { createServer, connect, type Server, type Socket } from 'node:net';

/** Statements a server sent to PostgreSQL, by kind, as seen on the wire. */
export interface WireCounts {
  /** Application statements (SELECT, INSERT, …). */
  statements: number;
  /** Transaction control and settings: BEGIN, COMMIT, ROLLBACK, SET, SAVEPOINT, RELEASE. */
  control: number;
  /** Client→server round trips: each simple Query and each extended-protocol Sync. */
  roundTrips: number;
}

const CONTROL = /^\s*(?:BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|SET|SAVEPOINT|RELEASE)\b/i;
const SSL_REQUEST = 80877103;

/**
 * A TCP proxy between one server and PostgreSQL that reads the frontend protocol and counts
 * what the server sends: simple queries (`Q`, a multi-statement string counts once), extended
 * executions (`E`, classified by the SQL of the statement they run), and round trips (`Q`, `S`).
 * Used only in the bench's counting pass, never under load.
 */
export class WireCounter {
  readonly counts: WireCounts = { statements: 0, control: 0, roundTrips: 0 };
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(upstreamHost: string, upstreamPort: number): Promise<WireCounter> {
    const server = createServer();
    const counter = new WireCounter(server);
    server.on('connection', (client) => counter.#relay(client, upstreamHost, upstreamPort));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return counter;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  reset(): void {
    Object.assign(this.counts, { statements: 0, control: 0, roundTrips: 0 });
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #relay(client: Socket, host: string, port: number): void {
    const upstream = connect(port, host);
    this.#sockets.add(client).add(upstream);
    upstream.pipe(client);
    const statementsByName = new Map<string, string>();
    let portalSql = '';
    let buffered = Buffer.alloc(0);
    let started = false;
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (!started) {
          if (buffered.length < 8) return;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) return;
          // An SSLRequest is answered and followed by the real startup message.
          if (buffered.readInt32BE(4) !== SSL_REQUEST) started = true;
          buffered = buffered.subarray(length);
          continue;
        }
        if (buffered.length < 5) return;
        const length = buffered.readInt32BE(1);
        if (buffered.length < 1 + length) return;
        const type = String.fromCharCode(buffered[0]!);
        const body = buffered.subarray(5, 1 + length);
        buffered = buffered.subarray(1 + length);
        if (type === 'Q') {
          this.counts.roundTrips += 1;
          const sql = cString(body, 0).value;
          if (CONTROL.test(sql)) this.counts.control += 1;
          else this.counts.statements += 1;
        } else if (type === 'P') {
          const name = cString(body, 0);
          statementsByName.set(name.value, cString(body, name.next).value);
        } else if (type === 'B') {
          const portal = cString(body, 0);
          portalSql = statementsByName.get(cString(body, portal.next).value) ?? '';
        } else if (type === 'E') {
          if (CONTROL.test(portalSql)) this.counts.control += 1;
          else this.counts.statements += 1;
        } else if (type === 'S') {
          this.counts.roundTrips += 1;
        }
      }
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }
}

function cString(buffer: Buffer, start: number): { value: string; next: number } {
  const end = buffer.indexOf(0, start);
  return { value: buffer.toString('utf8', start, end), next: end + 1 };
}

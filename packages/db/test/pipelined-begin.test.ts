import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { recordConnectionWrites, useTestDatabase } from '../src/testing';
import { createDatabase } from '../src/database';
import { acquireConnection, releaseConnection } from '../src/knex-adapter';
import { Author } from './fixtures/library';

const test = useTestDatabase();

/**
 * A loopback proxy in front of PostgreSQL that logs, in order, the type of every protocol
 * message each side sends: 'client Q' (simple query), 'client P' (parse), 'server Z' (ready for
 * query), … The startup message (no type byte) is skipped.
 */
async function startMessageLog(
  target: URL,
  /** Added to every answer of the server: a round trip then costs at least this long. */
  answerDelayMs = 0,
): Promise<{
  port: number;
  log: string[];
  /** What each read of the client's socket held: the client's writes, as the proxy saw them. */
  clientReads: string[][];
  close(): Promise<void>;
}> {
  const log: string[] = [];
  const clientReads: string[][] = [];
  const reader = (side: string, typed: boolean) => {
    let buffered = Buffer.alloc(0);
    let started = typed;
    return (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const header = started ? 5 : 4;
        if (buffered.length < header) return;
        const length = buffered.readInt32BE(started ? 1 : 0) + (started ? 1 : 0);
        if (buffered.length < length) return;
        if (started) log.push(`${side} ${String.fromCharCode(buffered[0] ?? 0)}`);
        started = true;
        buffered = buffered.subarray(length);
      }
    };
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    const fromClient = reader('client', false);
    const fromServer = reader('server', true);
    client.on('data', (chunk: Buffer) => {
      const before = log.length;
      fromClient(chunk);
      clientReads.push(log.slice(before).map((entry) => entry.slice('client '.length)));
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      fromServer(chunk);
      if (answerDelayMs === 0) client.write(chunk);
      else setTimeout(() => client.write(chunk), answerDelayMs);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    log,
    clientReads,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

describe('BEGIN travels with the first statement (pg pipeline mode)', () => {
  const closing: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closing) await close();
  });

  it("the pool's clients run in pg's pipeline mode", async () => {
    const connection = (await acquireConnection(test.db.knex)) as unknown as {
      pipeline: boolean;
    };
    try {
      expect(connection.pipeline).toBe(true);
    } finally {
      releaseConnection(test.db.knex, connection as never);
    }
  });

  it('the first statement is on the wire before BEGIN is answered: one round trip saved', async () => {
    const proxy = await startMessageLog(new URL(test.url));
    closing.push(() => proxy.close());
    const url = new URL(test.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const db = createDatabase({ url: url.toString() });
    closing.unshift(() => db.close());
    // Warm the connection up (startup, knex's version check), then look at one transaction.
    await db.read((session) => session.query('select 1'));
    proxy.log.length = 0;
    const rows = await db.read((session) =>
      session.query<{ n: number }>('select $1::int as n', [2]),
    );
    expect(rows).toEqual([{ n: 2 }]);
    // BEGIN (simple query), then the statement (parse…) before any answer, then COMMIT.
    const firstAnswer = proxy.log.indexOf('server Z');
    expect(proxy.log.slice(0, firstAnswer)).toEqual(
      expect.arrayContaining(['client Q', 'client P']),
    );
    expect(proxy.log.indexOf('client Q')).toBeLessThan(proxy.log.indexOf('client P'));
  });

  it('the pipelined statement runs inside the transaction, with its settings', async () => {
    const [settings] = await test.db.read((session) =>
      session.query<{ readOnly: string; timeout: string }>(
        `select current_setting('transaction_read_only') as "readOnly",
                current_setting('statement_timeout') as timeout`,
      ),
    );
    expect(settings).toEqual({ readOnly: 'on', timeout: expect.stringMatching(/^\d+(ms|s)$/) });
    await expect(
      test.db.read((session) => Author.query(session).insert({ name: 'written in a read' })),
    ).rejects.toThrow(/read-only/);
  });

  it('a setting PostgreSQL refuses fails the statements behind it: nothing is written outside the transaction', async () => {
    // 3e9 ms passes our own check (a whole number) but is past statement_timeout's range, so the
    // SET LOCAL inside the BEGIN statement fails and leaves the block aborted.
    await expect(
      test.db.transaction((session) => Author.query(session).insert({ name: 'never-written' }), {
        statementTimeoutMs: 3_000_000_000,
        retry: false,
      }),
    ).rejects.toThrow();
    const names = await test.db.read(async (session) =>
      (await Author.query(session).select('name')).map((author) => author.name),
    );
    expect(names).not.toContain('never-written');
    // The connection is clean for the next borrower.
    await expect(
      test.db.transaction((session) => Author.query(session).insert({ name: 'after-refusal' })),
    ).resolves.toMatchObject({ name: 'after-refusal' });
  });

  it("a read-only transaction's COMMIT is not waited for, yet each transaction on the connection is its own", async () => {
    const db = test.open({ pool: { min: 1, max: 1 } });
    const transactionStart = async () =>
      db.read((session) =>
        session.query<{ started: string; state: string }>(
          `select xact_start::text as started, state from pg_stat_activity where pid = pg_backend_pid()`,
        ),
      );
    const first = await transactionStart();
    const second = await transactionStart();
    // One connection, two transactions: the second began after the first's COMMIT.
    expect(first[0]?.started).not.toBe(second[0]?.started);
    // A read-write transaction right after sees no transaction left open by the read.
    const written = await db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'after-a-read' });
      return session.query<{ depth: number }>(
        `select count(*)::int as depth from pg_stat_activity where pid = pg_backend_pid() and state = 'idle in transaction'`,
      );
    });
    expect(written).toEqual([{ depth: 0 }]);
  });

  it("a read's COMMIT leaves in one write with the next borrower's BEGIN and first statement", async () => {
    const db = test.open({ pool: { min: 1, max: 1 } });
    await db.read((session) => session.query('select 1'));
    // One connection, two reads: the second waits for the first's connection.
    const writes = await recordConnectionWrites(db, () =>
      Promise.all([
        db.read((session) => session.query('select 1', [], { prepare: true })),
        db.read((session) => session.query('select 2', [], { prepare: true })),
      ]),
    );
    expect(writes).toContainEqual(
      expect.arrayContaining(['Q:COMMIT', 'Q:BEGIN', 'P', 'B', 'E', 'S']),
    );
    const merged = writes.find((messages) => messages.includes('Q:COMMIT'));
    expect(merged?.slice(0, 2)).toEqual(['Q:COMMIT', 'Q:BEGIN']);
  });

  it('a read waits for one round trip (BEGIN and COMMIT are not waited for); a write still waits for its COMMIT', async () => {
    // Every answer of the server arrives 150 ms late: waits are counted in round trips.
    const proxy = await startMessageLog(new URL(test.url), 150);
    closing.push(() => proxy.close());
    const url = new URL(test.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const db = createDatabase({ url: url.toString(), pool: { min: 1, max: 1 } });
    closing.unshift(() => db.close());
    await db.read((session) => session.query('select 1')); // connected and warm
    const timed = async (run: () => Promise<unknown>) => {
      const started = performance.now();
      await run();
      return performance.now() - started;
    };
    const read = await timed(() => db.read((session) => session.query('select $1::int', [1])));
    const write = await timed(() =>
      db.transaction((session) => session.query('select $1::int', [1])),
    );
    // One round trip (150 ms) for the read; awaiting BEGIN or COMMIT would make it 300 ms.
    expect(read).toBeGreaterThanOrEqual(140);
    expect(read).toBeLessThan(290);
    // The write's COMMIT is awaited: two round trips.
    expect(write).toBeGreaterThanOrEqual(290);
  });
});

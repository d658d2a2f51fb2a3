import { describe, expect, it } from 'vitest';
import { createDatabase, type DatabaseOptions } from '../src/database';
import { DatabaseClosedError, TransactionTimeoutError } from '../src/errors';
import type { DatabaseLogger } from '../src/logger';
import { useTestDatabase } from '../src/testing';
import { Author } from './fixtures/library';

const test = useTestDatabase();

interface LogEntry {
  level: 'warn' | 'error';
  details: Record<string, unknown>;
  message: string;
}

function captureLogger(): { logger: DatabaseLogger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    logger: {
      warn: (details, message) => entries.push({ level: 'warn', details, message }),
      error: (details, message) => entries.push({ level: 'error', details, message }),
    },
  };
}

/** A layer this file closes itself (useTestDatabase's open() takes no logger). */
function openLayer(options: DatabaseOptions = {}, pool = { max: 2 }) {
  return createDatabase({ url: test.url, pool }, options);
}

async function authorExists(name: string): Promise<boolean> {
  return test.db.read(
    async (session) => (await Author.query(session).where('name', name)).length > 0,
  );
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('close()', () => {
  it('waits for the transaction in flight, refuses new ones, and is idempotent', async () => {
    const db = openLayer();
    const entered = deferred();
    const proceed = deferred();
    const inFlight = db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'committed-during-close' });
      entered.resolve();
      await proceed.promise;
      await Author.query(session).insert({ name: 'committed-during-close-2' });
      return 'done';
    });
    await entered.promise;

    let closed = false;
    const closing = db.close().then(() => (closed = true));
    expect(db.isClosing).toBe(true);
    await expect(db.transaction((session) => session.raw('select 1'))).rejects.toBeInstanceOf(
      DatabaseClosedError,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed).toBe(false);

    proceed.resolve();
    await expect(inFlight).resolves.toBe('done');
    await closing;
    expect(closed).toBe(true);
    expect(await authorExists('committed-during-close')).toBe(true);
    expect(await authorExists('committed-during-close-2')).toBe(true);

    // Idempotent: a second close resolves too, and the layer still refuses work.
    await expect(db.close()).resolves.toBeUndefined();
    const refused = await db.read((session) => session.raw('select 1')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseClosedError);
    expect((refused as DatabaseClosedError).kind).toBe('unavailable');
  });

  it('past its deadline it rolls back a transaction stuck in application code and still resolves', async () => {
    const { logger, entries } = captureLogger();
    const db = openLayer({ logger });
    const entered = deferred();
    const stuck = db
      .transaction(async (session) => {
        await Author.query(session).insert({ name: 'stuck-at-close' });
        entered.resolve();
        await new Promise(() => undefined); // never resolves
      })
      .catch((error: unknown) => error);
    await entered.promise;

    const started = Date.now();
    await db.close({ deadlineMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await stuck).toBeInstanceOf(DatabaseClosedError);
    expect(await authorExists('stuck-at-close')).toBe(false);
    expect(entries.some((entry) => entry.message.includes('still open'))).toBe(true);
  });

  it('past its deadline it also cancels a transaction stuck in a long statement', async () => {
    const db = openLayer({ logger: captureLogger().logger });
    const entered = deferred();
    const stuck = db
      .transaction(
        async (session) => {
          await Author.query(session).insert({ name: 'sleeping-at-close' });
          entered.resolve();
          await session.raw('select pg_sleep(20)');
        },
        { statementTimeoutMs: 60_000 },
      )
      .catch((error: unknown) => error);
    await entered.promise;
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    await db.close({ deadlineMs: 200 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await stuck).toBeInstanceOf(DatabaseClosedError);
    expect(await authorExists('sleeping-at-close')).toBe(false);
  });
});

describe('the leak guard', () => {
  it('logs a transaction held past timeoutMs with the stack that opened it, and releases it', async () => {
    const { logger, entries } = captureLogger();
    const db = openLayer({ logger }, { max: 1 });
    try {
      const never = new Promise<void>(() => undefined);
      const started = Date.now();
      const error = await db
        .transaction(
          async (session) => {
            await Author.query(session).insert({ name: 'leaked' });
            await never;
          },
          { timeoutMs: 250 },
        )
        .catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(TransactionTimeoutError);
      expect((error as TransactionTimeoutError).kind).toBe('timeout');

      const warning = entries.find((entry) => entry.level === 'warn');
      expect(warning?.message).toMatch(/held past its deadline/);
      expect(warning?.details.timeoutMs).toBe(250);
      expect(String(warning?.details.openedAt)).toContain('lifecycle.test.ts');
      expect(db.counters.timedOut).toBe(1);

      // Released: the only connection serves the next transaction, and nothing was kept.
      expect(db.poolStats().used).toBe(0);
      await expect(db.transaction((session) => session.raw('select 1'))).resolves.toBeDefined();
      expect(await authorExists('leaked')).toBe(false);
    } finally {
      await db.close();
    }
  });

  it('cancels a long statement running inside a savepoint when the deadline passes', async () => {
    const { logger } = captureLogger();
    const db = openLayer({ logger }, { max: 1 });
    try {
      const started = Date.now();
      const error = await db
        .transaction(
          async (session) => {
            await Author.query(session).insert({ name: 'savepoint-sleeper' });
            await session.transaction((inner) => inner.raw('select pg_sleep(20)'));
          },
          { timeoutMs: 300, statementTimeoutMs: 60_000 },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionTimeoutError);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(db.poolStats().used).toBe(0);
      await expect(db.transaction((session) => session.raw('select 1'))).resolves.toBeDefined();
      expect(await authorExists('savepoint-sleeper')).toBe(false);
    } finally {
      await db.close();
    }
  });
});

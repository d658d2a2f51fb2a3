import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Database } from '../src/database';
import { MissingSessionError, NestedTransactionError } from '../src/errors';
import { useTestDatabase } from '../src/testing';
import { Author } from './fixtures/library';

const test = useTestDatabase();
const closeWhileBusy = fileURLToPath(new URL('./fixtures/close-while-busy.ts', import.meta.url));

/**
 * Inside a transaction of `outer` that inserts `name` and is then undone, a transaction of
 * `inner` runs on its own connection and snapshot: it is not the outer session, and it does
 * not see the insert.
 */
async function expectOwnTransactionInside(
  outer: Database,
  inner: Database,
  name: string,
  alsoInside: () => void = () => undefined,
): Promise<void> {
  await outer
    .transaction(async (outerSession) => {
      alsoInside();
      await Author.query(outerSession).insert({ name });
      await inner.read(async (innerSession) => {
        expect(innerSession).not.toBe(outerSession);
        const names = (await Author.query(innerSession).select('name')).map(
          (author) => author.name,
        );
        expect(names).not.toContain(name);
      });
      throw new Error('undo outer');
    })
    .catch((error: unknown) => {
      if ((error as Error).message !== 'undo outer') throw error;
    });
}

describe('a transaction opened inside another', () => {
  it('joins only a session of its own database: another database opens its own transaction', async () => {
    const other = test.open();
    await expectOwnTransactionInside(test.db, other, 'outer-not-committed');
  });

  it('db.read inside a read-write transaction is refused instead of running writable', async () => {
    await expect(test.db.transaction(() => test.db.read(async () => 'never'))).rejects.toThrow(
      NestedTransactionError,
    );
    await expect(test.db.transaction(() => test.db.read(async () => 'never'))).rejects.toThrow(
      /read-only transaction cannot run inside a read-write one/,
    );
  });

  it('a read-write transaction inside a read-only one is refused', async () => {
    await expect(test.db.read(() => test.db.transaction(async () => 'never'))).rejects.toThrow(
      /read-write transaction cannot run inside a read-only one/,
    );
  });

  it('options a joined transaction cannot honour are refused, naming them', async () => {
    await expect(
      test.db.transaction(() =>
        test.db.transaction(async () => 'never', { isolationLevel: 'serializable', timeoutMs: 10 }),
      ),
    ).rejects.toThrow(/isolationLevel, timeoutMs cannot be applied/);
  });

  it('the same kind of transaction with no options of its own joins (one connection)', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 300 } });
    const joined = await db.read(async (outer) => db.read(async (inner) => inner === outer));
    expect(joined).toBe(true);
  });
});

describe('without session context (DatabaseOptions.sessionContext: false, as the API runs)', () => {
  it('a transaction inside another opens its own, on its own connection', async () => {
    const db = test.open({ pool: { max: 2 } }, { sessionContext: false });
    await expectOwnTransactionInside(db, db, 'outer-own-connection', () =>
      expect(db.currentSession()).toBeUndefined(),
    );
  });

  it('a model query given no session is MissingSessionError, even inside a transaction', async () => {
    const db = test.open({}, { sessionContext: false });
    await expect(db.read(async () => Author.query().where('name', 'x'))).rejects.toBeInstanceOf(
      MissingSessionError,
    );
  });

  it('a savepoint runs as with context: its failure undoes only its own work', async () => {
    const db = test.open({}, { sessionContext: false });
    const names = await db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'kept-by-outer' });
      await session
        .transaction(async (inner) => {
          await Author.query(inner).insert({ name: 'undone-by-savepoint' });
          throw new Error('undo savepoint');
        })
        .catch(() => undefined);
      return (await Author.query(session).select('name')).map((author) => author.name);
    });
    expect(names).toContain('kept-by-outer');
    expect(names).not.toContain('undone-by-savepoint');
  });
});

describe('a query builder that outlives its transaction', () => {
  it('never runs inside the next transaction on the same connection', async () => {
    const db = test.open({ pool: { max: 1 } });
    const stale = await db.transaction(async (session) => ({
      insert: () => session.knex.raw('insert into authors (name) values (?)', ['stale-insert']),
    }));
    // The next transaction borrows the same (only) connection; the stale builder must fail,
    // not slip its insert into this transaction.
    await expect(
      db.transaction(async () => {
        await stale.insert();
      }),
    ).rejects.toThrow(/used after its transaction ended/);
    const names = (await db.read((session) => Author.query(session).select('name'))).map(
      (author) => author.name,
    );
    expect(names).not.toContain('stale-insert');
  });
});

describe('close()', () => {
  it('leaves no drain timer behind: the process exits as soon as the work is done', async () => {
    const child = spawn(
      process.execPath,
      ['--import', createRequire(import.meta.url).resolve('tsx'), closeWhileBusy, test.url],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('closed')) closedAt = performance.now();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(closedAt).toBeGreaterThan(0);
    // The drain deadline is 30 s; a timer left running would hold the process that long.
    expect(performance.now() - closedAt).toBeLessThan(5_000);
  }, 40_000);
});

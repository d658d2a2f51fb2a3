import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../src/testing';
import { SessionEndedError, TransactionTimeoutError } from '../src/errors';
import type { Session } from '../src/session';
import { Author, Book } from './fixtures/library';

const test = useTestDatabase();

async function authorNames(): Promise<string[]> {
  return test.db.read(async (session) =>
    (await Author.query(session).select('name').orderBy('name')).map((author) => author.name),
  );
}

/** What building a query on an ended session throws (it throws at once, not when awaited). */
function queryAfterEnd(session: Session): unknown {
  try {
    void Author.query(session);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('db.transaction', () => {
  it('commits when the function resolves', async () => {
    const created = await test.db.transaction((session) =>
      Author.query(session).insert({ name: 'commit-me' }),
    );
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await authorNames()).toContain('commit-me');
  });

  it('rolls everything back when the outer function throws', async () => {
    await expect(
      test.db.transaction(async (session) => {
        await Author.query(session).insert({ name: 'outer-rollback' });
        await session.transaction((inner) =>
          Author.query(inner).insert({ name: 'inner-of-outer-rollback' }),
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const names = await authorNames();
    expect(names).not.toContain('outer-rollback');
    expect(names).not.toContain('inner-of-outer-rollback');
  });

  it('a throw inside a nested savepoint rolls back only the savepoint', async () => {
    await test.db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'kept-outer' });
      await expect(
        session.transaction(async (inner) => {
          await Author.query(inner).insert({ name: 'dropped-inner' });
          throw new Error('inner failure');
        }),
      ).rejects.toThrow('inner failure');
      await session.transaction((inner) => Author.query(inner).insert({ name: 'kept-inner' }));
    });
    const names = await authorNames();
    expect(names).toEqual(expect.arrayContaining(['kept-outer', 'kept-inner']));
    expect(names).not.toContain('dropped-inner');
  });

  it('a timeout rolls back, answers promptly and frees the connection', async () => {
    const started = Date.now();
    await expect(
      test.db.transaction(
        async (session) => {
          await Author.query(session).insert({ name: 'timed-out' });
          await session.raw('select pg_sleep(5)');
        },
        { timeoutMs: 300 },
      ),
    ).rejects.toBeInstanceOf(TransactionTimeoutError);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(test.db.poolStats().used).toBe(0);
    expect(await authorNames()).not.toContain('timed-out');
  });

  it('a timeout also ends a transaction stuck outside the database', async () => {
    let release: () => void = () => undefined;
    await expect(
      test.db.transaction(
        async (session) => {
          await Author.query(session).insert({ name: 'stuck-in-js' });
          await new Promise<void>((resolve) => (release = resolve));
          await Author.query(session).insert({ name: 'after-deadline' });
        },
        { timeoutMs: 200 },
      ),
    ).rejects.toBeInstanceOf(TransactionTimeoutError);
    expect(test.db.poolStats().used).toBe(0);
    release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const names = await authorNames();
    expect(names).not.toContain('stuck-in-js');
    expect(names).not.toContain('after-deadline');
  });

  it('a session used after its transaction ended fails with a clear error naming where it was opened', async () => {
    const leaked = await test.db.transaction(async (session) => session);
    expect(leaked.isActive).toBe(false);
    const caught = queryAfterEnd(leaked);
    expect(caught).toBeInstanceOf(SessionEndedError);
    expect((caught as Error).message).toMatch(/used after its transaction ended \(committed\)/);
    expect((caught as Error).message).toContain('transactions.test.ts');
  });

  it('a labelled transaction is named by its label instead of a stack, its savepoints too', async () => {
    const leaked = await test.db.transaction(async (session) => session, {
      label: 'query tasks.get',
    });
    const savepoint = await test.db.transaction(
      (session) => session.transaction(async (inner) => inner),
      { label: 'mutation tasks.create' },
    );
    for (const [session, label] of [
      [leaked, 'query tasks.get'],
      [savepoint, 'mutation tasks.create'],
    ] as const) {
      expect(session.openedAt).toBe(`${label} (its TransactionOptions.label)`);
      const caught = queryAfterEnd(session);
      expect(caught).toBeInstanceOf(SessionEndedError);
      expect((caught as Error).message).toContain(`opened at:\n${label}`);
      expect((caught as Error).message).not.toContain('transactions.test.ts');
    }
  });

  it('a query built inside the transaction but run after it fails the same way', async () => {
    const pending = await test.db.transaction(async (session) => ({ query: Book.query(session) }));
    await expect(pending.query).rejects.toBeInstanceOf(SessionEndedError);
  });

  it('a service called inside a transaction joins it instead of taking a second connection', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 500 } });
    const insertAuthor = (name: string) =>
      db.transaction((session) => Author.query(session).insert({ name }));
    await expect(
      db.transaction(async (session) => {
        await insertAuthor('joined-1');
        await Author.query().insert({ name: 'joined-2' }); // no session given: joins through AsyncLocalStorage
        expect(db.currentSession()).toBe(session);
        throw new Error('undo both');
      }),
    ).rejects.toThrow('undo both');
    const names = await authorNames();
    expect(names).not.toContain('joined-1');
    expect(names).not.toContain('joined-2');
  });

  it('SET LOCAL settings do not outlive the transaction on the pooled connection', async () => {
    const db = test.open({ pool: { max: 1 }, statementTimeoutMs: 1234 });
    const inside = await db.transaction((session) =>
      session.raw<{ rows: Array<{ statement_timeout: string }> }>('show statement_timeout'),
    );
    expect(inside.rows[0]?.statement_timeout).toBe('1234ms');
    const outside = await db.knex.raw<{ rows: Array<{ statement_timeout: string }> }>(
      'show statement_timeout',
    );
    expect(outside.rows[0]?.statement_timeout).not.toBe('1234ms');
  });
});

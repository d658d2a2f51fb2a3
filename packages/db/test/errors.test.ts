import { describe, expect, it } from 'vitest';
import {
  isConnectionLost,
  DatabaseError,
  IntegrityViolationError,
  UniqueViolationError,
  toDatabaseError,
} from '../src/errors';
import { useTestDatabase } from '../src/testing';
import { Author, Book } from './fixtures/library';

const test = useTestDatabase();

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the transaction to fail');
    },
    (error: unknown) => error,
  );
}

describe('typed database errors', () => {
  it('a unique violation is a UniqueViolationError naming the constraint', async () => {
    await test.db.transaction((session) => Author.query(session).insert({ name: 'unique-once' }));
    const error = await failureOf(
      test.db.transaction((session) => Author.query(session).insert({ name: 'unique-once' })),
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as UniqueViolationError).constraint).toBe('authors_name_key');
    expect((error as UniqueViolationError).table).toBe('authors');
    expect((error as UniqueViolationError).kind).toBe('conflict');
    expect((error as Error).message).toContain('authors_name_key');
  });

  it('the same mapping applies to raw statements', async () => {
    await test.db.transaction((session) => Author.query(session).insert({ name: 'unique-raw' }));
    const error = await failureOf(
      test.db.transaction((session) =>
        session.raw("insert into authors (name) values ('unique-raw')"),
      ),
    );
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe('authors_name_key');
  });

  it('a foreign-key violation is an IntegrityViolationError of kind invalid_input', async () => {
    const error = await failureOf(
      test.db.transaction((session) =>
        Book.query(session).insert({
          authorId: '00000000-0000-4000-8000-000000000000',
          title: 'orphan',
        }),
      ),
    );
    expect(error).toBeInstanceOf(IntegrityViolationError);
    expect((error as IntegrityViolationError).rule).toBe('foreign_key');
    expect((error as IntegrityViolationError).kind).toBe('invalid_input');
    expect((error as IntegrityViolationError).constraint).toBe('books_author_id_foreign');
  });

  it('a CHECK violation is an IntegrityViolationError naming the constraint', async () => {
    const error = await failureOf(
      test.db.transaction(async (session) => {
        const author = await Author.query(session).insert({ name: 'check-author' });
        await Book.query(session).insert({ authorId: author.id, title: 'empty', pages: 0 });
      }),
    );
    expect(error).toBeInstanceOf(IntegrityViolationError);
    expect((error as IntegrityViolationError).rule).toBe('check');
    expect((error as IntegrityViolationError).constraint).toBe('books_pages_positive');
    expect((error as IntegrityViolationError).kind).toBe('invalid_input');
    // Rolled back as a whole: the author inserted first is not there.
    const authors = await test.db.read((session) =>
      Author.query(session).where('name', 'check-author'),
    );
    expect(authors).toHaveLength(0);
  });

  it('not-null and malformed values are IntegrityViolationErrors too', async () => {
    const notNull = await failureOf(
      test.db.transaction((session) => session.raw('insert into authors (name) values (null)')),
    );
    expect((notNull as IntegrityViolationError).rule).toBe('not_null');
    const malformed = await failureOf(
      test.db.transaction((session) => Author.query(session).findById('not-a-uuid')),
    );
    expect((malformed as IntegrityViolationError).rule).toBe('invalid_value');
  });

  it('a violation caught inside a savepoint leaves the outer transaction usable', async () => {
    await test.db.transaction((session) => Author.query(session).insert({ name: 'sp-dup' }));
    const outcome = await test.db.transaction(async (session) => {
      const inner = await session
        .transaction((savepoint) => Author.query(savepoint).insert({ name: 'sp-dup' }))
        .catch((error: unknown) => toDatabaseError(error));
      await Author.query(session).insert({ name: 'sp-after' });
      return inner;
    });
    expect(outcome).toBeInstanceOf(UniqueViolationError);
    const after = await test.db.read((session) => Author.query(session).where('name', 'sp-after'));
    expect(after).toHaveLength(1);
  });

  it('errors thrown by application code pass through unchanged and are not retried', async () => {
    class NotAllowed extends Error {}
    const own = new NotAllowed('no');
    let calls = 0;
    const error = await failureOf(
      test.db.transaction(async (session) => {
        calls += 1;
        await Author.query(session).insert({ name: 'app-error' });
        throw own;
      }),
    );
    expect(error).toBe(own);
    expect(calls).toBe(1);

    // An error from another system that merely looks like a lost connection or a conflict
    // (an HTTP call failing with ECONNRESET, a domain error with a 40001-like code) is not the
    // database's: it must not be retried or renamed.
    for (const code of ['ECONNRESET', '40001', '23505']) {
      const upstream = Object.assign(new Error(`upstream ${code}`), { code });
      let attempts = 0;
      const caught = await failureOf(
        test.db.transaction(async (session) => {
          attempts += 1;
          await session.raw('select 1');
          throw upstream;
        }),
      );
      expect(caught).toBe(upstream);
      expect(attempts).toBe(1);
    }
    const rows = await test.db.read((session) => Author.query(session).where('name', 'app-error'));
    expect(rows).toHaveLength(0);
  });

  it('classifies the SQLSTATEs of a lost server, PgBouncer included, as a lost connection', () => {
    // 57P01: pg_terminate_backend; 08006: connection failure; 08P01: PgBouncer's query_wait_timeout.
    for (const code of ['57P01', '08006', '08P01']) {
      expect(isConnectionLost(Object.assign(new Error(code), { code })), code).toBe(true);
    }
    expect(isConnectionLost(Object.assign(new Error('unique'), { code: '23505' }))).toBe(false);
  });

  it('toDatabaseError leaves unknown errors alone', () => {
    const plain = new Error('plain');
    expect(toDatabaseError(plain)).toBe(plain);
    expect(toDatabaseError('text')).toBe('text');
  });
});

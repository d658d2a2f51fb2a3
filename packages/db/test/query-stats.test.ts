import { describe, expect, it } from 'vitest';
import { QueryStats, countQueries, withQueryStats } from '../src/query-stats';
import { useTestDatabase } from '../src/testing';
import { Author, Book } from './fixtures/library';

const test = useTestDatabase();

async function seedAuthors(prefix: string, count: number, booksEach: number): Promise<void> {
  await test.db.transaction(async (session) => {
    for (let index = 0; index < count; index += 1) {
      const author = await Author.query(session).insert({ name: `${prefix}-${index}` });
      for (let book = 0; book < booksEach; book += 1) {
        await Book.query(session).insert({
          authorId: author.id,
          title: `${prefix}-${index}-${book}`,
        });
      }
    }
  });
}

describe('query counting', () => {
  it('counts exactly the application queries: BEGIN, COMMIT and settings are not counted', async () => {
    const { result, queries } = await countQueries(() =>
      test.db.transaction(async (session) => {
        await Author.query(session).insert({ name: 'counted' });
        return Author.query(session).where('name', 'counted').first();
      }),
    );
    expect(result?.name).toBe('counted');
    expect(queries).toBe(2);

    const empty = await countQueries(() => test.db.transaction(async () => 'nothing'));
    expect(empty.queries).toBe(0);
  });

  it('an eager load costs one query per relation, whatever the number of parents', async () => {
    await seedAuthors('few', 2, 2);
    await seedAuthors('many', 12, 3);
    const load = (prefix: string, graph: string) =>
      countQueries(() =>
        test.db.read((session) =>
          Author.query(session).where('name', 'like', `${prefix}-%`).withGraphFetched(graph),
        ),
      );

    const few = await load('few', '[books]');
    const many = await load('many', '[books]');
    expect(few.result).toHaveLength(2);
    expect(many.result).toHaveLength(12);
    expect(many.result.every((author) => author.books?.length === 3)).toBe(true);
    expect(few.queries).toBe(2);
    expect(many.queries).toBe(2);

    const nested = await load('many', '[books.author]');
    expect(nested.queries).toBe(3);
  });

  it('session.stats counts savepoint queries too', async () => {
    const stats = await test.db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'outer-stat' });
      await session.transaction(async (inner) => {
        await Author.query(inner).insert({ name: 'inner-stat-1' });
        await inner.transaction((deeper) => Author.query(deeper).insert({ name: 'inner-stat-2' }));
      });
      await expect(
        session.transaction(async (inner) => {
          await Author.query(inner).where('name', 'outer-stat');
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      await Author.query(session).where('name', 'like', '%-stat%');
      return session.stats.snapshot();
    });
    expect(stats.count).toBe(5);
    expect(stats.durationMs).toBeGreaterThan(0);
  });

  it('a request scope sees the queries of every transaction inside it', async () => {
    const request = new QueryStats();
    const explicit = new QueryStats();
    await withQueryStats(request, async () => {
      await test.db.transaction((session) => Author.query(session).insert({ name: 'scoped-1' }));
      await test.db.read(async (session) => {
        await Author.query(session).where('name', 'scoped-1');
        await session.transaction((inner) => Author.query(inner).where('name', 'scoped-1'));
      });
      await test.db.transaction((session) => Author.query(session).where('name', 'scoped-1'), {
        stats: explicit,
      });
    });
    expect(request.count).toBe(4);
    expect(explicit.count).toBe(1);
    // Work outside the scope is not counted.
    await test.db.read((session) => Author.query(session));
    expect(request.count).toBe(4);
  });
});

describe('session.query (a statement sent without a query builder)', () => {
  it('returns rows, takes $n parameters, is counted like every query and refused after the end', async () => {
    const { result, queries } = await countQueries(() =>
      test.db.read(async (session) => {
        const rows = await session.query<{ doubled: number }>(
          'select $1::int * 2 as doubled',
          [21],
        );
        return { rows, session };
      }),
    );
    expect(result.rows).toEqual([{ doubled: 42 }]);
    expect(queries).toBe(1);
    await expect(result.session.query('select 1')).rejects.toThrow(
      /used after its transaction ended/,
    );
  });

  it('runs inside the transaction: a read-only session refuses a write', async () => {
    await expect(
      test.db.read((session) => session.query("insert into authors (name) values ('nope')")),
    ).rejects.toThrow(/read-only transaction/);
  });
});

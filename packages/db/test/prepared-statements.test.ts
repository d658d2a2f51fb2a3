import { describe, expect, it } from 'vitest';
import { CompiledStatement } from '../src/compiled-statement';
import { createDatabase } from '../src/database';
import { readDatabaseConfig, ConfigError } from '../src/config';
import { PreparedStatementNames } from '../src/prepared-statements';
import { useTestDatabase } from '../src/testing';
import { Author, Book } from './fixtures/library';

const test = useTestDatabase();

/** The statements prepared on the connection of `session`'s transaction. */
const PREPARED = 'select statement from pg_prepared_statements';

describe('prepared statements', () => {
  it('a query marked `prepare` is a named statement on its connection, reused by the next transaction', async () => {
    const sql = 'select name from authors where name = $1 /* prepared-reuse */';
    const prepared = await test.db.read(async (session) => {
      await session.query(sql, ['nobody'], { prepare: true });
      return (await session.query<{ statement: string }>(PREPARED)).map((row) => row.statement);
    });
    expect(prepared).toContain(sql);
    // Unmarked statements are never prepared.
    expect(prepared.some((statement) => statement.includes('pg_prepared_statements'))).toBe(false);
  });

  it('DATABASE_PREPARED_STATEMENTS=false runs every statement unnamed', async () => {
    const db = test.open({ preparedStatements: false });
    const sql = 'select name from authors where name = $1 /* never-prepared */';
    const prepared = await db.read(async (session) => {
      await session.query(sql, ['nobody'], { prepare: true });
      return (await session.query<{ statement: string }>(PREPARED)).map((row) => row.statement);
    });
    expect(prepared).not.toContain(sql);
    expect(
      readDatabaseConfig({ DATABASE_URL: test.url, DATABASE_PREPARED_STATEMENTS: 'false' })
        .preparedStatements,
    ).toBe(false);
    expect(() =>
      readDatabaseConfig({ DATABASE_URL: test.url, DATABASE_PREPARED_STATEMENTS: 'maybe' }),
    ).toThrow(ConfigError);
    expect(() =>
      readDatabaseConfig({ DATABASE_URL: test.url, DATABASE_PREPARED_STATEMENTS: 'maybe' }),
    ).toThrow(/DATABASE_PREPARED_STATEMENTS/);
  });

  it('a migration that changes a prepared statement’s result type is absorbed: the transaction is retried with the statement prepared afresh', async () => {
    const db = test.open({ pool: { min: 1, max: 1 } });
    const owner = test.openAsOwner();
    await owner.transaction((session) => session.raw('create table shifting (id int)'));
    await owner.transaction((session) => session.raw('insert into shifting values (1)'));
    const sql = 'select * from shifting where id = $1';
    const read = () => db.read((session) => session.query(sql, [1], { prepare: true }));
    expect(await read()).toEqual([{ id: 1 }]);
    await owner.transaction((session) => session.raw('alter table shifting add column note text'));
    await owner.transaction((session) => session.raw('grant select on shifting to public'));
    expect(await read()).toEqual([{ id: 1, note: null }]);
  });

  it('a pooler that loses prepared statements (PgBouncer < 1.21) turns them off: the transaction is retried unnamed, with one warning', async () => {
    const warnings: string[] = [];
    const logger = {
      warn: (_details: unknown, message: string) => warnings.push(message),
      error: () => undefined,
      info: () => undefined,
    };
    const db = createDatabase({ url: test.url, pool: { min: 1, max: 1 } }, { logger });
    try {
      const sql = 'select name from authors where name = $1 /* lost-by-pooler */';
      const read = () =>
        db.read(async (session) => {
          const rows = await session.query(sql, ['nobody'], { prepare: true });
          const prepared = await session.query<{ statement: string }>(PREPARED);
          return { rows, prepared: prepared.map((row) => row.statement) };
        });
      expect((await read()).prepared).toContain(sql);
      // What a pooler does: the next transaction meets a server connection without the statement.
      await db.read((session) => session.raw('deallocate all'));
      const after = await read();
      expect(after.rows).toEqual([]);
      expect(after.prepared).toEqual([]);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/DATABASE_PREPARED_STATEMENTS=false/);
      await read();
      expect(warnings).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('a name is a digest of its text (one name, one text, in every process)', () => {
    const one = new PreparedStatementNames();
    const other = new PreparedStatementNames();
    expect(one.nameFor('select 1')).toBe(other.nameFor('select 1'));
    expect(one.nameFor('select 1')).not.toBe(one.nameFor('select 2'));
  });

  it('the registry of names is bounded: past it, statements run unnamed', () => {
    const names = new PreparedStatementNames();
    const first = names.nameFor('select 1');
    expect(names.nameFor('select 1')).toBe(first);
    for (let index = 0; index < 1_000; index += 1) names.nameFor(`select ${index + 2}`);
    expect(names.size).toBe(256);
    expect(names.nameFor('select -1')).toBeUndefined();
    names.forget('select 1');
    expect(names.nameFor('select 1')).not.toBe(first);
  });
});

describe('CompiledStatement', () => {
  it('is built once, then runs with fresh values (numbers where knex insists on them)', async () => {
    await test.db.transaction(async (session) => {
      const author = await Author.query(session).insert({ name: 'compiled-author' });
      await Book.query(session).insert([
        { authorId: author.id, title: 'one', pages: 10 },
        { authorId: author.id, title: 'two', pages: 20 },
        { authorId: author.id, title: 'three', pages: 30 },
      ]);
    });
    let builds = 0;
    const statement = new CompiledStatement(
      ['author', 'minPages', 'size'],
      (session, param, numberParam) => {
        builds += 1;
        return Book.query(session)
          .select('books.title', 'books.pages')
          .join('authors', 'authors.id', 'books.author_id')
          .where('authors.name', param('author'))
          .where('books.pages', '>=', numberParam('minPages'))
          .orderBy('books.pages')
          .limit(numberParam('size'));
      },
      { prepare: true },
    );
    const run = (minPages: number, size: number) =>
      test.db.read((session) =>
        statement.run<{ title: string; pages: number }>(session, {
          author: 'compiled-author',
          minPages,
          size,
        }),
      );
    expect(await run(0, 2)).toEqual([
      { title: 'one', pages: 10 },
      { title: 'two', pages: 20 },
    ]);
    expect(await run(15, 5)).toEqual([
      { title: 'two', pages: 20 },
      { title: 'three', pages: 30 },
    ]);
    expect(builds).toBe(1);
    // A hostile value is a value: bound, never SQL.
    expect(
      await test.db.read((session) =>
        statement.run(session, { author: "x' or '1'='1", minPages: 0, size: 10 }),
      ),
    ).toEqual([]);
  });

  it('refuses a builder that leaves a parameter unbound or writes it into the SQL', async () => {
    const unbound = new CompiledStatement(['a', 'b'], (session, param) =>
      Author.query(session).where('name', param('a')),
    );
    await expect(
      test.db.read((session) => unbound.run(session, { a: 'x', b: 'y' })),
    ).rejects.toThrow(/never bound: b/);
    const inlined = new CompiledStatement(['a'], (session, param) =>
      Author.query(session).whereRaw(`name = '${param('a')}'`),
    );
    await expect(test.db.read((session) => inlined.run(session, { a: 'x' }))).rejects.toThrow(
      /written into the SQL text/,
    );
  });
});

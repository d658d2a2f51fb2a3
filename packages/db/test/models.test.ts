import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/database';
import { MissingSessionError } from '../src/errors';
import type { DatabaseLogger } from '../src/logger';
import { RelationNotLoadedError } from '../src/model/relation-not-loaded-error';
import { useTestDatabase } from '../src/testing';
import { Author, Book } from './fixtures/library';

const test = useTestDatabase();

async function seedAuthor(name: string, titles: string[]): Promise<string> {
  return test.db.transaction(async (session) => {
    const author = await Author.query(session).insert({ name, secret: `hash-of-${name}` });
    for (const title of titles) await Book.query(session).insert({ authorId: author.id, title });
    return author.id;
  });
}

describe('strict relations', () => {
  it('reading an unloaded relation of a loaded model throws, naming model, relation and fix', async () => {
    const id = await seedAuthor('strict-unloaded', ['One']);
    const author = await test.db.read((session) => Author.query(session).findById(id));
    expect(author).toBeDefined();
    let caught: unknown;
    try {
      void author!.books;
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RelationNotLoadedError);
    const message = (caught as Error).message;
    expect(message).toContain('Author');
    expect(message).toContain('books');
    expect(message).toContain("withGraphFetched('[books]')");
  });

  it('an eager-loaded relation reads without error and appears in toJSON', async () => {
    const id = await seedAuthor('strict-loaded', ['A', 'B']);
    const author = await test.db.read((session) =>
      Author.query(session).findById(id).withGraphFetched('[books]'),
    );
    expect(author!.books!.map((book) => book.title).sort()).toEqual(['A', 'B']);
    const json = author!.toJSON() as Record<string, unknown>;
    expect(json.books).toHaveLength(2);
    // The nested models are strict too: their own unloaded relation throws.
    expect(() => author!.books![0]!.author).toThrow(RelationNotLoadedError);
  });

  it('unloaded relations stay out of toJSON, and hidden fields never reach it', async () => {
    const id = await seedAuthor('strict-json', ['C']);
    const author = await test.db.read((session) => Author.query(session).findById(id));
    expect(author!.secret).toBe('hash-of-strict-json');
    const json = author!.toJSON() as Record<string, unknown>;
    expect(json).toMatchObject({ id, name: 'strict-json' });
    expect(json).not.toHaveProperty('books');
    expect(json).not.toHaveProperty('secret');
    expect(JSON.stringify(author)).not.toContain('hash-of-strict-json');

    const books = await test.db.read((session) =>
      Book.query(session).where('author_id', id).withGraphFetched('author'),
    );
    const bookJson = JSON.parse(JSON.stringify(books)) as Array<{
      author: Record<string, unknown>;
    }>;
    expect(bookJson[0]!.author).toMatchObject({ name: 'strict-json' });
    expect(bookJson[0]!.author).not.toHaveProperty('secret');
  });

  it('models built in memory are not strict', () => {
    const author = Author.fromJson({ name: 'in-memory' });
    expect(author.books).toBeUndefined();
  });

  it("'warn' mode logs and returns undefined instead of throwing", async () => {
    const id = await seedAuthor('strict-warn', ['D']);
    const warnings: Array<{ details: Record<string, unknown>; message: string }> = [];
    const logger: DatabaseLogger = {
      warn: (details, message) => warnings.push({ details, message }),
      error: () => undefined,
    };
    const warnDb = createDatabase({ url: test.url, strictRelations: 'warn' }, { logger });
    try {
      const author = await warnDb.read((session) => Author.query(session).findById(id));
      expect(author!.books).toBeUndefined();
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toContain("withGraphFetched('[books]')");
      expect(warnings[0]!.details).toMatchObject({ model: 'Author', relation: 'books' });
    } finally {
      await warnDb.close();
      // Strictness is process-wide: put back the test default.
      await createDatabase({ url: test.url, strictRelations: 'throw' }).close();
    }
    const again = await test.db.read((session) => Author.query(session).findById(id));
    expect(() => again!.books).toThrow(RelationNotLoadedError);
  });
});

describe('models without a session', () => {
  const stray = knexFactory({ client: 'pg', connection: 'postgres://nobody@127.0.0.1:1/none' });
  afterAll(() => stray.destroy());

  it('a query with no session outside a transaction fails at once with MissingSessionError', async () => {
    let caught: unknown;
    const started = Date.now();
    try {
      await Author.query().where('name', 'x');
    } catch (error) {
      caught = error;
    }
    expect(Date.now() - started).toBeLessThan(500);
    expect(caught).toBeInstanceOf(MissingSessionError);
    expect((caught as Error).message).toContain('Author.query()');
    expect((caught as MissingSessionError).kind).toBe('misuse');
  });

  it('instance queries need a session too', async () => {
    const author = Author.fromJson({ name: 'instance' });
    await expect(author.$query().insert()).rejects.toBeInstanceOf(MissingSessionError);
  });

  it('binding a global knex to a model throws', () => {
    expect(() => Author.knex(stray)).toThrow(/never bound to a global knex/);
    expect(() => Author.bindKnex(stray)).toThrow(/never bound to a global knex/);
  });
});

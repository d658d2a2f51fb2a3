import { describe, expect, it } from 'vitest';
import { acquireConnection, releaseConnection } from '../src/knex-adapter';
import { useTestDatabase } from '../src/testing';
import { batchWritesUntilNextTick } from '../src/write-batching';

const test = useTestDatabase();

describe('pg internals the write batching relies on', () => {
  it('a pooled pg client writes through `connection.stream`, a socket that corks', async () => {
    const connection = await acquireConnection(test.db.knex);
    try {
      const socket = (connection as unknown as { connection: { stream: unknown } }).connection
        .stream as { cork: unknown; uncork: unknown; writableCorked: number };
      expect(typeof socket.cork).toBe('function');
      expect(typeof socket.uncork).toBe('function');
      // Corked for the rest of this tick, then released; statements sent meanwhile still run.
      batchWritesUntilNextTick(connection);
      expect(socket.writableCorked).toBe(1);
      const answer = connection.query('select 1 as one');
      await new Promise<void>((resolve) => process.nextTick(resolve));
      expect(socket.writableCorked).toBe(0);
      expect(await answer).toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      releaseConnection(test.db.knex, connection);
    }
  });
});

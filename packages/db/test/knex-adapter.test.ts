import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  acquireConnection,
  type BoundQueryRunner,
  connectionKnexFactory,
  isReusable,
  poolCanLend,
  releaseConnection,
  tarnPool,
} from '../src/knex-adapter';
import { useTestDatabase } from '../src/testing';

/**
 * Pins every assumption src/knex-adapter.ts makes about knex internals. When a knex upgrade
 * breaks one, this file fails first and names it.
 */
const test = useTestDatabase();

const backendPid = (rows: unknown) => (rows as { rows: Array<{ pid: number }> }).rows[0]?.pid;

describe('knex internals the database layer relies on', () => {
  it('is the knex major version the adapter was written against (re-check this file on an upgrade)', () => {
    const { version } = createRequire(import.meta.url)('knex/package.json') as { version: string };
    expect(version).toMatch(/^3\./);
  });

  it("client.acquireConnection() lends a pg client from tarn's pool and releaseConnection() returns it", async () => {
    const db = test.open({ pool: { max: 2 } });
    const connection = await acquireConnection(db.knex);
    expect(typeof connection.processID).toBe('number');
    expect(tarnPool(db.knex)?.numUsed()).toBe(1);
    const answer = (await connection.query('select pg_backend_pid() as pid')) as {
      rows: Array<{ pid: number }>;
    };
    expect(answer.rows[0]?.pid).toBe(connection.processID);
    releaseConnection(db.knex, connection);
    expect(tarnPool(db.knex)?.numUsed()).toBe(0);
    expect(tarnPool(db.knex)?.numFree()).toBe(1);
  });

  it("tarn's pool carries knex's loan check (isReusable): a live connection passes, an ended one does not; poolCanLend follows the pool", async () => {
    const db = test.open({ pool: { max: 1 } });
    expect(poolCanLend(db.knex, 1)).toBe(true);
    const connection = await acquireConnection(db.knex);
    expect(poolCanLend(db.knex, 1)).toBe(false);
    expect(typeof tarnPool(db.knex)?.validate).toBe('function');
    expect(await isReusable(db.knex, connection)).toBe(true);
    // knex marks a connection that ended (its 'end' listener) as disposed.
    await connection.end();
    expect(await isReusable(db.knex, connection)).toBe(false);
    releaseConnection(db.knex, connection);
    expect(poolCanLend(db.knex, 1)).toBe(true);
  });

  it('a bound knex runs every kind of query on its connection, through its own runner', async () => {
    const db = test.open({ pool: { max: 2 } });
    const connection = await acquireConnection(db.knex);
    try {
      const seen: unknown[] = [];
      const runner: BoundQueryRunner = (send, query) => {
        seen.push(query);
        return send();
      };
      const knex = connectionKnexFactory(db.knex, connection).bind(runner);
      expect(backendPid(await knex.raw('select pg_backend_pid() as pid'))).toBe(
        connection.processID,
      );
      const [row] = await knex.select<Array<{ pid: number }>>(knex.raw('pg_backend_pid() as pid'));
      expect(row?.pid).toBe(connection.processID);
      await knex('authors').select('id').limit(1);
      expect(typeof knex.fn.now()).toBe('object');
      expect(seen).toHaveLength(3);
      // Nothing was released to the pool while the connection is lent.
      expect(tarnPool(db.knex)?.numUsed()).toBe(1);
    } finally {
      releaseConnection(db.knex, connection);
    }
  });

  it('the factory is made once per connection; each bind keeps its own runner', async () => {
    const db = test.open({ pool: { max: 1 } });
    const connection = await acquireConnection(db.knex);
    try {
      const factory = connectionKnexFactory(db.knex, connection);
      expect(connectionKnexFactory(db.knex, connection)).toBe(factory);
      const calls: string[] = [];
      const first = factory.bind((send) => (calls.push('first'), send()));
      const second = factory.bind((send) => (calls.push('second'), send()));
      const builtByFirst = first.raw('select 1');
      await second.raw('select 2');
      await builtByFirst;
      expect(calls).toEqual(['second', 'first']);
    } finally {
      releaseConnection(db.knex, connection);
    }
  });

  it('knex.transaction() on a bound knex is a savepoint on the same connection (client.transacting)', async () => {
    const db = test.open({ pool: { max: 1 } });
    const connection = await acquireConnection(db.knex);
    try {
      await connection.query('begin');
      const knex = connectionKnexFactory(db.knex, connection).bind((send) => send());
      await knex.transaction(async (savepoint) => {
        expect(backendPid(await savepoint.raw('select pg_backend_pid() as pid'))).toBe(
          connection.processID,
        );
      });
      // Still inside the outer transaction: a savepoint never commits it.
      const state = (await connection.query(
        "select count(*)::int as open from pg_stat_activity where pid = pg_backend_pid() and state like 'idle in transaction%' or (pid = pg_backend_pid() and xact_start is not null)",
      )) as { rows: Array<{ open: number }> };
      expect(state.rows[0]?.open).toBe(1);
      await connection.query('rollback');
    } finally {
      releaseConnection(db.knex, connection);
    }
  });
});

import type { Knex } from 'knex';

/**
 * Every reach into knex internals lives in this file; test/knex-adapter.test.ts pins each
 * assumption and fails loudly when a knex upgrade breaks one.
 *
 * Why reach at all: knex's public `knex.transaction()` builds a full knex instance, an
 * EventEmitter with four forwarding listeners and several promise chains per transaction, and
 * sends BEGIN and the per-transaction settings as separate round trips. On a busy two-core
 * machine that was most of a short request's cost. The database layer instead borrows a
 * connection from knex's pool, runs BEGIN/COMMIT itself on the `pg` client (public `pg` API),
 * and hands each transaction a knex whose every query runs on that connection.
 */

/** The `pg` client knex's pool lends. Only its public `pg` surface is used. */
export interface PooledConnection {
  query(text: string, values?: readonly unknown[]): Promise<unknown>;
  /** A named statement (`name`): parsed once per connection, then only bound and executed. */
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<unknown>;
  /** PostgreSQL backend process id, for pg_cancel_backend. */
  readonly processID: number | null;
  end(): Promise<void>;
}

/** knex's dialect client; only the members below are used. */
interface KnexClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<void>;
  query(connection: PooledConnection, query: unknown): Promise<unknown>;
  queryBuilder(): Knex.QueryBuilder;
  transacting?: boolean;
  pool?: TarnPool;
}

/** The tarn pool inside knex's client. */
export interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  /** The check knex gives tarn, run on a connection before each loan (see isReusable). */
  validate(connection: PooledConnection): boolean | Promise<boolean>;
}

/** knex instances forward their methods to `knex.context`, whose `client` builds every query. */
interface KnexWithContext extends Knex {
  context: { client: KnexClient };
}

const clientOf = (knex: Knex) => knex.client as KnexClient;

/** Borrows a connection from knex's pool (tarn: waits up to the acquire timeout). */
export function acquireConnection(knex: Knex): Promise<PooledConnection> {
  return clientOf(knex).acquireConnection();
}

/** Gives a connection back to the pool. A connection the driver saw fail is validated out by knex. */
export function releaseConnection(knex: Knex, connection: PooledConnection): void {
  void clientOf(knex).releaseConnection(connection);
}

/**
 * Whether knex's pool can lend a connection at once: one is free, or it may open another. When
 * it cannot, a borrower would wait in tarn's queue (see ConnectionHandoff).
 */
export function poolCanLend(knex: Knex, max: number): boolean {
  const pool = clientOf(knex).pool;
  if (!pool) return true; // destroyed: knex's acquire says so
  return pool.numFree() > 0 || pool.numUsed() + pool.numPendingCreates() < max;
}

/**
 * knex's own check of a connection before it lends it again (tarn's `validate`, from knex's
 * pool config): not disposed by a driver error, not past its lifetime, and whatever else knex
 * checks in that version. A connection passed from one borrower to the next without going
 * through the pool must pass the same check. False when the check throws, as tarn treats it.
 */
export async function isReusable(knex: Knex, connection: PooledConnection): Promise<boolean> {
  const pool = clientOf(knex).pool;
  if (!pool) return false;
  try {
    return (await pool.validate(connection)) === true;
  } catch {
    return false;
  }
}

/** tarn's pool, for the pool figures; undefined once destroyed. */
export function tarnPool(knex: Knex): TarnPool | undefined {
  return clientOf(knex).pool;
}

/**
 * Runs one query of a bound knex. `send` runs it on the connection; the runner decides whether
 * it may run and what to record around it.
 */
export type BoundQueryRunner = (send: () => Promise<unknown>, query: unknown) => Promise<unknown>;

/** Makes knexes bound to one borrowed connection: built once per connection, then reused. */
export interface ConnectionKnexFactory {
  /** A knex on the connection whose every query goes through `runner` (a few small objects). */
  bind(runner: BoundQueryRunner): Knex;
}

const RUNNER = Symbol('trellis.boundQueryRunner');

const factories = new WeakMap<PooledConnection, ConnectionKnexFactory>();

/**
 * The knex-on-a-connection factory for `connection`, made the first time the connection is
 * seen. `knex.withUserParams()` (public) gives a copy of the knex with its own client; that
 * client always answers with this connection, never releases it, and is marked `transacting`
 * (a `knex.transaction()` on it becomes a SAVEPOINT, as inside any knex transaction).
 * Per transaction, `bind` layers a context and a client over it that carry the transaction's
 * query runner: a query builder keeps the client it was built with, so a builder that outlives
 * its transaction still meets that transaction's runner (which refuses it), never the next one.
 */
export function connectionKnexFactory(
  knex: Knex,
  connection: PooledConnection,
): ConnectionKnexFactory {
  const existing = factories.get(connection);
  if (existing) return existing;

  const base = knex.withUserParams({}) as KnexWithContext;
  const baseClient = base.context.client;
  const connected = Promise.resolve(connection);
  const released = Promise.resolve();
  baseClient.acquireConnection = () => connected;
  baseClient.releaseConnection = () => released;
  baseClient.transacting = true;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- re-bound with .call below
  const sendQuery = baseClient.query;
  baseClient.query = function (this: KnexClient & { [RUNNER]?: BoundQueryRunner }, conn, query) {
    const runner = this[RUNNER];
    if (!runner) return Promise.reject(new Error('Trellis: a query ran outside any transaction'));
    return runner(() => sendQuery.call(this, conn, query), query);
  };

  const factory: ConnectionKnexFactory = {
    bind(runner) {
      const client = Object.create(baseClient) as KnexClient & { [RUNNER]: BoundQueryRunner };
      client[RUNNER] = runner;
      const context = Object.create(base.context) as KnexWithContext['context'];
      context.client = client;
      // Called as a function, knex starts a query builder on a table (`knex('tasks')`).
      const bound = function (tableName?: string, options?: unknown) {
        const builder = client.queryBuilder();
        return tableName ? builder.table(tableName, options as never) : builder;
      } as unknown as KnexWithContext;
      Object.setPrototypeOf(bound, base);
      Object.defineProperty(bound, 'context', { value: context });
      return bound;
    },
  };
  factories.set(connection, factory);
  return factory;
}

import type { Knex } from 'knex';
import { SessionEndedError, isStalePreparedPlan, markDriverError } from './errors';
import type { PreparedStatementNames } from './prepared-statements';
import type { ConnectionKnexFactory, PooledConnection } from './knex-adapter';
import { QueryStats } from './query-stats';
import { sessionStorage } from './session-context';

export type SessionState = 'active' | 'committed' | 'rolled back' | 'timed out' | 'closed';

/** What a transaction and its savepoints share: one connection and its bookkeeping. */
interface TransactionScope {
  /** The Database that opened the transaction: only its own nested calls may join it. */
  readonly owner: object;
  readonly readOnly: boolean;
  readonly connection: PooledConnection;
  readonly knexFactory: ConnectionKnexFactory;
  /** Names for prepared statements; undefined when the database runs every statement unnamed. */
  readonly statementNames: PreparedStatementNames | undefined;
  /** Whether the call chain inside the session is tracked (DatabaseOptions.sessionContext). */
  readonly sessionContext: boolean;
  /** Every sink that counts this transaction's queries: the session's own stats first. */
  readonly statsSinks: readonly QueryStats[];
  inFlight: number;
  committing: boolean;
  savepoints: number;
}

/** What Database.transaction() knows when it opens a session. */
export type TransactionSetup = Pick<
  TransactionScope,
  'owner' | 'readOnly' | 'connection' | 'knexFactory' | 'statementNames' | 'sessionContext'
> & { extraStats: readonly QueryStats[] };

let nextSessionId = 1;

/**
 * Sends a transaction-control statement straight to the `pg` client: it is neither counted nor
 * refused once the session ended. Failures come from the server or the connection, so they are
 * tagged as driver errors for the retry and error-mapping logic.
 */
export async function sendControl(connection: PooledConnection, sql: string): Promise<void> {
  try {
    await connection.query(sql);
  } catch (error) {
    markDriverError(error);
    throw error;
  }
}

/**
 * One transaction on one connection. Services receive it first and pass it to every model
 * query (`Task.query(session)`); eager loads run on the same connection. Once the transaction
 * ends the session refuses all work with SessionEndedError, naming where it was opened.
 */
export class Session {
  readonly id = nextSessionId++;
  #state: SessionState = 'active';
  readonly #scope: TransactionScope;
  /** Bound on first use: most requests on the hot path (authentication) never build a query. */
  #knex: Knex | undefined;
  /**
   * Captured when the transaction opened, formatted (source maps and all) only if reported; or
   * the label the opener gave instead (TransactionOptions.label).
   */
  readonly #opening: Error | string | undefined;
  /** Queries run in this transaction (savepoints included) and their total time. */
  readonly stats: QueryStats;
  /** The enclosing session of a savepoint. */
  readonly parent: Session | undefined;

  /** @internal Sessions are opened by Database.transaction() and session.transaction(). */
  constructor(setup: TransactionSetup | { parent: Session }, opening: Error | string | undefined) {
    if ('parent' in setup) {
      this.parent = setup.parent;
      this.#scope = setup.parent.#scope;
      this.stats = setup.parent.stats;
    } else {
      this.stats = new QueryStats();
      // Field by field: an object rest and spread here cost more than the rest of the
      // constructor together (profile of a short request: `_Session` 2% of the API's CPU).
      this.#scope = {
        owner: setup.owner,
        readOnly: setup.readOnly,
        connection: setup.connection,
        knexFactory: setup.knexFactory,
        statementNames: setup.statementNames,
        sessionContext: setup.sessionContext,
        statsSinks: [this.stats, ...setup.extraStats],
        inFlight: 0,
        committing: false,
        savepoints: 0,
      };
    }
    this.#opening = opening;
  }

  /** Where the transaction was opened (its stack, or its label), for leak and misuse reports. */
  get openedAt(): string | undefined {
    const opening = this.#opening;
    return typeof opening === 'string'
      ? `${opening} (its TransactionOptions.label)`
      : opening?.stack;
  }

  get state(): SessionState {
    if (this.#state === 'active' && this.parent && !this.parent.isActive) return this.parent.state;
    return this.#state;
  }

  get isActive(): boolean {
    return this.state === 'active';
  }

  /** The transaction's knex, for query builders. Throws once the transaction has ended. */
  get knex(): Knex {
    if (!this.isActive) throw this.#endedError();
    this.#knex ??= this.#scope.knexFactory.bind((send) => this.#runQuery(send));
    return this.#knex;
  }

  /**
   * Queries sent and not yet answered, those of its savepoints included (they share the
   * connection); the deadline handler cancels them on the server.
   */
  get inFlightQueries(): number {
    return this.#scope.inFlight;
  }

  /** True once COMMIT was sent: a connection lost now leaves the outcome unknown, so no retry. */
  get committing(): boolean {
    return this.#scope.committing;
  }

  /** True for a read-only transaction (db.read). */
  get readOnly(): boolean {
    return this.#scope.readOnly;
  }

  /** @internal True when `owner` (a Database) opened this transaction. */
  belongsTo(owner: object): boolean {
    return this.#scope.owner === owner;
  }

  /** @internal The connection this transaction holds. */
  get connection(): PooledConnection {
    return this.#scope.connection;
  }

  /** A raw, parameterised statement inside this transaction. */
  async raw<TResult = unknown>(
    sql: string,
    bindings: readonly Knex.RawBinding[] = [],
  ): Promise<TResult> {
    return (await this.knex.raw(sql, [...bindings])) as TResult;
  }

  /**
   * A parameterised statement (`$1`, `$2`, …) sent straight to the connection, returning its
   * rows: for the few statements on every request's path (authentication), where a query
   * builder's cost shows in the benchmark. Counted, timed and refused once the session ended,
   * like every query.
   *
   * `prepare`: run it as a named prepared statement (planned once per connection) unless the
   * database is configured without them. For fixed texts whose best plan does not depend on the
   * values (lookups by key): PostgreSQL may settle on a generic plan for a named statement.
   */
  async query<Row>(
    sql: string,
    values: readonly unknown[] = [],
    options: { prepare?: boolean } = {},
  ): Promise<Row[]> {
    const { connection, statementNames } = this.#scope;
    if (!this.isActive) throw this.#endedError();
    const name = options.prepare ? statementNames?.nameFor(sql) : undefined;
    const send = name
      ? () => connection.query({ name, text: sql, values })
      : () => connection.query(sql, values);
    try {
      const result = (await this.#runQuery(send)) as { rows: Row[] };
      return result.rows;
    } catch (error) {
      if (name && isStalePreparedPlan(error)) statementNames?.forget(sql);
      throw error;
    }
  }

  /**
   * A savepoint: `fn` runs inside it and, if it throws, only its own work is rolled back;
   * the error still propagates so the caller decides whether the outer transaction goes on.
   */
  async transaction<T>(fn: (session: Session) => PromiseLike<T>): Promise<T> {
    if (!this.isActive) throw this.#endedError();
    const scope = this.#scope;
    const name = `trellis_savepoint_${(scope.savepoints += 1)}`;
    await sendControl(scope.connection, `SAVEPOINT ${name}`);
    // A labelled transaction's savepoints go by its label: no stack is captured on its behalf.
    const opening =
      typeof this.#opening === 'string' ? this.#opening : new Error('savepoint opened here');
    const child = new Session({ parent: this }, opening);
    try {
      const result = await (scope.sessionContext
        ? sessionStorage.run(child, () => fn(child))
        : fn(child));
      child.end('committed');
      await sendControl(scope.connection, `RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      child.end('rolled back');
      // The outer transaction may already be over (deadline, close): nothing to roll back to.
      if (this.isActive) await sendControl(scope.connection, `ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }

  /** @internal Marks COMMIT as sent. */
  markCommitting(): void {
    this.#scope.committing = true;
  }

  /** @internal Called by the database layer when the transaction finishes. */
  end(state: Exclude<SessionState, 'active'>): void {
    if (this.#state === 'active') this.#state = state;
  }

  #endedError(): SessionEndedError {
    return new SessionEndedError(this.id, this.state, this.openedAt);
  }

  #runQuery(send: () => Promise<unknown>): Promise<unknown> {
    if (!this.isActive) return Promise.reject(this.#endedError());
    const scope = this.#scope;
    const started = performance.now();
    scope.inFlight += 1;
    return send().then(
      (result) => {
        this.#settled(started);
        return result;
      },
      (error: unknown) => {
        this.#settled(started);
        // Errors raised here came from the server or the connection: tag them, so the layer can
        // tell them from the application's own errors (which it neither retries nor renames).
        markDriverError(error);
        throw error;
      },
    );
  }

  #settled(started: number): void {
    const scope = this.#scope;
    scope.inFlight -= 1;
    const duration = performance.now() - started;
    for (const stats of scope.statsSinks) stats.record(duration);
  }
}

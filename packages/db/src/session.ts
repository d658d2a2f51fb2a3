import type { Knex } from 'knex';
import { SessionEndedError, markDriverError } from './errors';
import { QueryStats } from './query-stats';
import { sessionStorage } from './session-context';

export type SessionState = 'active' | 'committed' | 'rolled back' | 'timed out' | 'closed';

/** Statements that manage the transaction itself; they are neither counted nor blocked. */
const TRANSACTION_CONTROL =
  /^\s*(?:BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE SAVEPOINT|SET TRANSACTION|\/\* trellis:control \*\/)/i;

interface KnexQueryObject {
  sql?: string;
}

interface TransactionClient {
  query(connection: unknown, query: KnexQueryObject | string): Promise<unknown>;
  acquireConnection(): Promise<unknown>;
}

let nextSessionId = 1;

/**
 * One transaction on one connection. Services receive it first and pass it to every model
 * query (`Task.query(session)`); eager loads run on the same connection. Once the transaction
 * ends the session refuses all work with SessionEndedError, naming where it was opened.
 */
export class Session {
  readonly id = nextSessionId++;
  #state: SessionState = 'active';
  #inFlight = 0;
  #committing = false;
  readonly #trx: Knex.Transaction;
  readonly #statsSinks: readonly QueryStats[];
  /** Queries run in this transaction (savepoints included) and their total time. */
  readonly stats: QueryStats;

  constructor(
    trx: Knex.Transaction,
    /** Stack of the code that opened the transaction, for leak and misuse reports. */
    readonly openedAt: string | undefined,
    /** Request-level stats that also count this transaction's queries. */
    extraStats: readonly QueryStats[],
    readonly parent?: Session,
  ) {
    this.#trx = trx;
    this.stats = parent?.stats ?? new QueryStats();
    this.#statsSinks = parent ? parent.#statsSinks : [this.stats, ...extraStats];
    this.#instrument(trx.client as TransactionClient);
  }

  get state(): SessionState {
    if (this.#state === 'active' && this.parent && !this.parent.isActive) return this.parent.state;
    return this.#state;
  }

  get isActive(): boolean {
    return this.state === 'active';
  }

  /** The transaction's knex, for query builders. Throws once the transaction has ended. */
  get knex(): Knex.Transaction {
    if (!this.isActive) throw this.#endedError();
    return this.#trx;
  }

  /**
   * Queries sent and not yet answered, those of its savepoints included (they share the
   * connection); the deadline handler cancels them on the server.
   */
  get inFlightQueries(): number {
    return this.#inFlight;
  }

  /** True once COMMIT was sent: a connection lost now leaves the outcome unknown, so no retry. */
  get committing(): boolean {
    return this.#committing;
  }

  /** A raw, parameterised statement inside this transaction. */
  async raw<TResult = unknown>(
    sql: string,
    bindings: readonly Knex.RawBinding[] = [],
  ): Promise<TResult> {
    return (await this.knex.raw(sql, [...bindings])) as TResult;
  }

  /**
   * A savepoint: `fn` runs inside it and, if it throws, only its own work is rolled back;
   * the error still propagates so the caller decides whether the outer transaction goes on.
   */
  async transaction<T>(fn: (session: Session) => PromiseLike<T>): Promise<T> {
    const stack = new Error('savepoint opened here').stack;
    let child: Session | undefined;
    try {
      const result = await this.knex.transaction(async (trx) => {
        child = new Session(trx, stack, [], this);
        const nested = child;
        return sessionStorage.run(nested, () => fn(nested));
      });
      child?.end('committed');
      return result;
    } catch (error) {
      child?.end('rolled back');
      throw error;
    }
  }

  /** @internal Called by the database layer when the transaction finishes. */
  end(state: Exclude<SessionState, 'active'>): void {
    if (this.#state === 'active') this.#state = state;
  }

  /**
   * @internal Ends the session and rolls its transaction back from outside the callback
   * (deadline passed, layer closing). Resolves once ROLLBACK has run or failed.
   */
  async abort(state: 'timed out' | 'closed', reason: Error): Promise<void> {
    this.end(state);
    try {
      await this.#trx.rollback(reason);
    } catch {
      // The transaction's own promise carries the outcome; a failed ROLLBACK means the
      // connection is gone, and the pool discards it.
    }
  }

  /** @internal The connection this transaction holds, to cancel its running query. */
  connection(): Promise<unknown> {
    return (this.#trx.client as TransactionClient).acquireConnection();
  }

  #endedError(): SessionEndedError {
    return new SessionEndedError(this.id, this.state, this.openedAt);
  }

  #instrument(client: TransactionClient): void {
    const send = client.query.bind(client);
    // Errors raised here came from the server or the connection: tag them, so the layer can
    // tell them from the application's own errors (which it neither retries nor renames).
    const run = (connection: unknown, query: KnexQueryObject | string) =>
      send(connection, query).catch((error: unknown) => {
        markDriverError(error);
        throw error;
      });
    client.query = (connection, query) => {
      const sql = typeof query === 'string' ? query : (query.sql ?? '');
      if (TRANSACTION_CONTROL.test(sql)) {
        if (/^\s*COMMIT/i.test(sql)) this.#committing = true;
        return run(connection, query);
      }
      if (!this.isActive) return Promise.reject(this.#endedError());
      const started = performance.now();
      this.#countInFlight(1);
      return run(connection, query).finally(() => {
        this.#countInFlight(-1);
        const duration = performance.now() - started;
        for (const stats of this.#statsSinks) stats.record(duration);
      });
    };
  }

  /** A savepoint's statement also busies every enclosing transaction's connection (the same one). */
  #countInFlight(delta: number): void {
    this.#inFlight += delta;
    if (this.parent) this.parent.#countInFlight(delta);
  }
}

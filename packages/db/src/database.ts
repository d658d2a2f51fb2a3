import type { Knex } from 'knex';
import { parseDatabaseConfig, type DatabaseConfig, type DatabaseConfigInput } from './config';
import {
  DatabaseClosedError,
  SerializationFailureError,
  TransactionTimeoutError,
  isConnectionLost,
  isDriverError,
  isRetryableConflict,
  toDatabaseError,
} from './errors';
import { consoleLogger, type DatabaseLogger } from './logger';
import { createPool, readPoolStats, type PoolStats } from './pool';
import { currentQueryStats, type QueryStats } from './query-stats';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry-policy';
import { Session } from './session';
import { currentSession, sessionStorage } from './session-context';
import { configureStrictRelations } from './model/strict-relations';

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  /** Deadline for the whole transaction; past it the work is cancelled and rolled back. */
  timeoutMs?: number;
  /** Per-transaction overrides, applied with SET LOCAL. */
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  /** Retry the whole function on serialization failure, deadlock or a connection lost before COMMIT. */
  retry?: false | Partial<RetryPolicy>;
  /** A request-level counter that also receives this transaction's queries. */
  stats?: QueryStats;
}

/** Lifecycle counters, for metrics. */
export interface TransactionCounters {
  committed: number;
  rolledBack: number;
  retried: number;
  timedOut: number;
}

export interface DatabaseOptions {
  logger?: DatabaseLogger;
}

// One round trip sets every per-transaction limit; `true` makes each SET LOCAL.
const SESSION_SETTINGS_SQL =
  "/* trellis:control */ select set_config('statement_timeout', ?, true), " +
  "set_config('lock_timeout', ?, true), set_config('idle_in_transaction_session_timeout', ?, true)";

interface AttemptOutcome {
  session?: Session;
  /** Set when `fn` itself threw something that did not come from the database. */
  applicationError?: unknown;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The async database layer: one pool, transaction-scoped sessions, nothing leaked.
 * Build one per process with createDatabase() and close() it on shutdown.
 */
export class Database {
  readonly config: DatabaseConfig;
  /** @internal The pool's knex, for migrations and tests; application code uses sessions. */
  readonly knex: Knex;
  readonly counters: TransactionCounters = { committed: 0, rolledBack: 0, retried: 0, timedOut: 0 };
  readonly #logger: DatabaseLogger;
  readonly #open = new Set<Session>();
  /** Transactions waiting for a connection, with when they started waiting. */
  readonly #acquiring = new Set<{ since: number }>();
  #running = 0;
  #idle: (() => void) | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(config: DatabaseConfig, options: DatabaseOptions = {}) {
    this.config = config;
    this.#logger = options.logger ?? consoleLogger;
    this.knex = createPool(config, this.#logger);
    configureStrictRelations({ mode: config.strictRelations, logger: this.#logger });
  }

  /** The session of the transaction this call chain runs inside, if any. */
  currentSession(): Session | undefined {
    return currentSession();
  }

  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws or its
   * deadline passes. Called inside another transaction it joins that one (one request, one
   * connection); use `session.transaction()` for a savepoint.
   */
  async transaction<T>(
    fn: (session: Session) => PromiseLike<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const joined = currentSession();
    if (joined) return fn(joined);
    if (this.#closing) throw new DatabaseClosedError();

    const openedAt = new Error('transaction opened here').stack;
    const policy: RetryPolicy =
      options.retry === false
        ? { ...DEFAULT_RETRY_POLICY, attempts: 1 }
        : { ...DEFAULT_RETRY_POLICY, ...options.retry };
    const extraStats = [options.stats, currentQueryStats()].filter(
      (stats, index, all): stats is QueryStats =>
        stats !== undefined && all.indexOf(stats) === index,
    );

    this.#running += 1;
    try {
      for (let attempt = 1; ; attempt += 1) {
        const outcome: AttemptOutcome = {};
        try {
          const result = await this.#attempt(fn, options, openedAt, extraStats, outcome);
          this.counters.committed += 1;
          return result;
        } catch (error) {
          this.counters.rolledBack += 1;
          // The application's own failure: not the database's to retry or rename.
          if (error === outcome.applicationError) throw error;
          const retryable =
            isRetryableConflict(error) || (isConnectionLost(error) && !outcome.session?.committing);
          if (retryable && attempt < policy.attempts && !this.#closing) {
            this.counters.retried += 1;
            await sleep(retryDelayMs(policy, attempt));
            continue;
          }
          if (isRetryableConflict(error))
            throw new SerializationFailureError(attempt, { cause: error });
          throw toDatabaseError(error);
        }
      }
    } finally {
      this.#running -= 1;
      if (this.#running === 0) this.#idle?.();
    }
  }

  /** A read-only transaction, for queries. */
  read<T>(
    fn: (session: Session) => PromiseLike<T>,
    options: Omit<TransactionOptions, 'readOnly'> = {},
  ): Promise<T> {
    return this.transaction(fn, { ...options, readOnly: true });
  }

  async #attempt<T>(
    fn: (session: Session) => PromiseLike<T>,
    options: TransactionOptions,
    openedAt: string | undefined,
    extraStats: QueryStats[],
    outcome: AttemptOutcome,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.config.transactionTimeoutMs;
    const timeoutError = new TransactionTimeoutError(timeoutMs);
    let expired = false;
    let timer: NodeJS.Timeout | undefined;

    const ticket = { since: performance.now() };
    this.#acquiring.add(ticket);
    const work = this.knex.transaction(
      async (trx) => {
        this.#acquiring.delete(ticket);
        // The deadline may pass while we wait for a connection: then do nothing at all.
        if (expired) throw timeoutError;
        const session = new Session(trx, openedAt, extraStats);
        outcome.session = session;
        this.#open.add(session);
        await trx.raw(SESSION_SETTINGS_SQL, [
          `${options.statementTimeoutMs ?? Math.min(this.config.statementTimeoutMs || timeoutMs, timeoutMs)}ms`,
          `${options.lockTimeoutMs ?? this.config.lockTimeoutMs}ms`,
          `${this.config.idleInTransactionTimeoutMs}ms`,
        ]);
        return sessionStorage.run(session, async () => {
          try {
            return await fn(session);
          } catch (error) {
            if (!isDriverError(error)) outcome.applicationError = error;
            throw error;
          }
        });
      },
      {
        ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}),
        ...(options.readOnly ? { readOnly: true } : {}),
      },
    );
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        expired = true;
        reject(timeoutError);
      }, timeoutMs);
    });

    try {
      const result = await Promise.race([work, deadline]);
      outcome.session?.end('committed');
      return result;
    } catch (error) {
      if (expired) {
        this.counters.timedOut += 1;
        await this.#abandon(outcome.session, work, timeoutMs);
      }
      outcome.session?.end('rolled back');
      // Rolled back by close(): say so, rather than whatever the cancelled work failed with.
      if (outcome.session?.state === 'closed') throw new DatabaseClosedError();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#acquiring.delete(ticket);
      if (outcome.session) this.#open.delete(outcome.session);
    }
  }

  /** The leak guard: log who opened the transaction, cancel its statement, roll back, free the connection. */
  async #abandon(
    session: Session | undefined,
    work: Promise<unknown>,
    timeoutMs: number,
  ): Promise<void> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    if (session) {
      this.#logger.warn(
        { sessionId: session.id, timeoutMs, openedAt: session.openedAt },
        'transaction held past its deadline: rolling it back and releasing its connection',
      );
      await this.#forceRollback(session, 'timed out', new TransactionTimeoutError(timeoutMs));
    }
    await settled;
  }

  /**
   * Ends a transaction from outside its callback. ROLLBACK would wait behind a statement still
   * running on the same connection, so that statement is cancelled on the server first.
   */
  async #forceRollback(
    session: Session,
    state: 'timed out' | 'closed',
    reason: Error,
  ): Promise<void> {
    const busy = session.inFlightQueries > 0;
    const rolledBack = session.abort(state, reason);
    if (busy) {
      try {
        const connection = await session.connection();
        await (
          this.knex.client as { cancelQuery(connection: unknown): Promise<unknown> }
        ).cancelQuery(connection);
      } catch (error) {
        this.#logger.error(
          { err: error, sessionId: session.id },
          'could not cancel the running statement',
        );
      }
    }
    await rolledBack;
  }

  /** How long the longest-waiting transaction has been waiting for a connection (0: none waits). */
  oldestAcquireWaitMs(): number {
    let oldest = Infinity;
    for (const ticket of this.#acquiring) oldest = Math.min(oldest, ticket.since);
    return oldest === Infinity ? 0 : performance.now() - oldest;
  }

  poolStats(): PoolStats {
    return readPoolStats(this.knex, this.config.pool.max);
  }

  /** Transactions running now (including those waiting for a connection). */
  get runningTransactions(): number {
    return this.#running;
  }

  get isClosing(): boolean {
    return this.#closing;
  }

  /**
   * Drains: refuses new transactions, waits for those in flight up to `deadlineMs`, rolls back
   * whatever is left, then destroys the pool. Safe to call more than once.
   */
  close(options: { deadlineMs?: number } = {}): Promise<void> {
    this.#closed ??= this.#drain(options.deadlineMs ?? 10_000);
    return this.#closed;
  }

  async #drain(deadlineMs: number): Promise<void> {
    this.#closing = true;
    if (this.#running > 0) {
      const idle = new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
      await Promise.race([idle, sleep(deadlineMs)]);
    }
    await Promise.all(
      [...this.#open].map((session) => {
        this.#logger.warn(
          { sessionId: session.id, openedAt: session.openedAt },
          'closing the database with a transaction still open: rolling it back',
        );
        return this.#forceRollback(session, 'closed', new DatabaseClosedError());
      }),
    );
    await this.knex.destroy();
  }
}

export function createDatabase(
  config: DatabaseConfigInput | DatabaseConfig,
  options?: DatabaseOptions,
): Database {
  return new Database(parseDatabaseConfig(config), options);
}

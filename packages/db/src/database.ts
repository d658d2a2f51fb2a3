import type { Knex } from 'knex';
import { parseDatabaseConfig, type DatabaseConfig, type DatabaseConfigInput } from './config';
import { beginStatement } from './begin-statement';
import { cancelRunningStatement } from './cancel-statement';
import {
  DatabaseClosedError,
  NestedTransactionError,
  SerializationFailureError,
  TransactionTimeoutError,
  isConnectionLost,
  isDriverError,
  isRetryableConflict,
  isPreparedStatementLost,
  isStalePreparedPlan,
  isStatementCancelled,
  toDatabaseError,
} from './errors';
import { PreparedStatementNames } from './prepared-statements';
import { batchWritesUntilNextTick } from './write-batching';
import { consoleLogger, type DatabaseLogger } from './logger';
import { connectionKnexFactory, type PooledConnection } from './knex-adapter';
import { ConnectionHandoff } from './connection-handoff';
import { createPool, readPoolStats, type PoolStats } from './pool';
import { currentQueryStats, type QueryStats } from './query-stats';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from './retry-policy';
import { Session, sendControl } from './session';
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
  /**
   * Names the transaction in leak and misuse reports (the leak guard's warning,
   * SessionEndedError) in place of the stack that opened it, which is then not captured. For a
   * caller whose stack says less than a name: the API's procedures, opened from the same few
   * frames of tRPC, name themselves ("query tasks.get"). Capturing costs about 8 µs per
   * transaction (5% of auth.me's CPU) and keeps the frames alive while the transaction waits.
   */
  label?: string;
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
  /**
   * Track which session each async call chain runs in (AsyncLocalStorage). On, the default: a
   * `db.transaction()` inside a transaction of this database joins it (one connection per
   * request) and a model query given no session finds the current one. Off: the first opens a
   * transaction of its own and the second is MissingSessionError.
   *
   * On Node.js 20 the tracking hooks every promise of the process, whichever code made it: a
   * sixth of the API's CPU per request (issue 10). A caller that hands its session to every
   * service and cannot reach the Database from inside a session turns it off; the API does, and
   * its procedure builders keep `ctx.db` out of reach there.
   */
  sessionContext?: boolean;
}

interface AttemptOutcome {
  session?: Session;
  /** Set when `fn` itself threw something that did not come from the database. */
  applicationError?: unknown;
}

/** A transaction holding a connection, as close() and the leak guard see it. */
interface OpenTransaction {
  readonly session: Session;
  /** Ends the session from outside its callback and makes the attempt give up at once. */
  abort(state: 'timed out' | 'closed', reason: Error): void;
  /** Settles once the connection is back in the pool. */
  readonly finished: Promise<void>;
}

const ROLLBACK_TIMEOUT_MS = 5_000;

const ignore = () => undefined;

/** A timer that neither keeps the process alive nor outlives the wait it bounds. */
function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

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
  readonly #sessionContext: boolean;
  readonly #statementNames: PreparedStatementNames | undefined;
  readonly #open = new Set<OpenTransaction>();
  /** Transactions waiting for a connection, with when they started waiting. */
  readonly #acquiring = new Set<{ since: number }>();
  readonly #handoff: ConnectionHandoff;
  #running = 0;
  #idle: (() => void) | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(config: DatabaseConfig, options: DatabaseOptions = {}) {
    this.config = config;
    this.#logger = options.logger ?? consoleLogger;
    this.#sessionContext = options.sessionContext ?? true;
    this.knex = createPool(config, this.#logger);
    this.#handoff = new ConnectionHandoff(this.knex, {
      max: config.pool.max,
      acquireTimeoutMs: config.pool.acquireTimeoutMs,
    });
    this.#statementNames = config.preparedStatements ? new PreparedStatementNames() : undefined;
    configureStrictRelations({ mode: config.strictRelations, logger: this.#logger });
  }

  /** The session of the transaction this call chain runs inside, if any. */
  currentSession(): Session | undefined {
    return currentSession();
  }

  /**
   * Runs `fn` in one transaction: COMMIT when it resolves, ROLLBACK when it throws or its
   * deadline passes. Called inside a transaction of this same database it joins that one (one
   * request, one connection) and refuses options it could not honour there
   * (NestedTransactionError); use `session.transaction()` for a savepoint.
   */
  async transaction<T>(
    fn: (session: Session) => PromiseLike<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    const joined = currentSession();
    if (joined?.belongsTo(this)) {
      assertJoinable(joined, options);
      return fn(joined);
    }
    if (this.#closing) throw new DatabaseClosedError();

    // The stack is captured now and formatted only if a report needs it; a label replaces it.
    const opening = options.label ?? new Error('transaction opened here');
    const attempts =
      options.retry === false ? 1 : (options.retry?.attempts ?? DEFAULT_RETRY_POLICY.attempts);
    const extraStats = [options.stats, currentQueryStats()].filter(
      (stats, index, all): stats is QueryStats =>
        stats !== undefined && all.indexOf(stats) === index,
    );

    this.#running += 1;
    try {
      for (let attempt = 1; ; attempt += 1) {
        const outcome: AttemptOutcome = {};
        try {
          const result = await this.#attempt(fn, options, opening, extraStats, outcome);
          this.counters.committed += 1;
          return result;
        } catch (error) {
          this.counters.rolledBack += 1;
          // The application's own failure: not the database's to retry or rename.
          if (error === outcome.applicationError) throw error;
          if (isPreparedStatementLost(error)) this.#stopPreparingStatements();
          const retryable =
            isRetryableConflict(error) ||
            isStalePreparedPlan(error) ||
            isPreparedStatementLost(error) ||
            (isConnectionLost(error) && !outcome.session?.committing);
          if (retryable && attempt < attempts && !this.#closing) {
            this.counters.retried += 1;
            const policy: RetryPolicy =
              options.retry === false
                ? DEFAULT_RETRY_POLICY
                : { ...DEFAULT_RETRY_POLICY, ...options.retry };
            const wait = delay(retryDelayMs(policy, attempt));
            await wait.promise;
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

  /**
   * A pooler between us and PostgreSQL hands server connections from client to client without
   * their prepared statements: from now on every statement runs unnamed (and the failed
   * transaction is retried). Said once, loudly, so the operator sets the setting.
   */
  #stopPreparingStatements(): void {
    if (!this.#statementNames?.enabled) return;
    this.#statementNames.disable();
    this.#logger.warn(
      {},
      'named prepared statements are not kept by the connection pooler in front of PostgreSQL ' +
        '(PgBouncer before 1.21 in transaction mode?): running every statement unnamed from now ' +
        'on; set DATABASE_PREPARED_STATEMENTS=false, or max_prepared_statements in PgBouncer 1.21+',
    );
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
    opening: Error | string,
    extraStats: QueryStats[],
    outcome: AttemptOutcome,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.config.transactionTimeoutMs;
    let expired = false;
    let giveUp!: (reason: Error) => void;
    const abandoned = new Promise<never>((_resolve, reject) => {
      giveUp = reject;
    });
    abandoned.catch(ignore);
    const deadlineAt = performance.now() + timeoutMs;
    const timer = setTimeout(() => {
      expired = true;
      giveUp(new TransactionTimeoutError(timeoutMs));
    }, timeoutMs);

    const ticket = { since: performance.now() };
    this.#acquiring.add(ticket);
    const acquiring = this.#handoff.borrow();
    let connection: PooledConnection;
    try {
      // The deadline may pass while we wait for a connection: then do nothing at all.
      connection = await Promise.race([acquiring, abandoned]);
    } catch (error) {
      clearTimeout(timer);
      if (expired) {
        this.counters.timedOut += 1;
        acquiring.then((late) => this.#handoff.giveBack(late), ignore);
      }
      throw error;
    } finally {
      this.#acquiring.delete(ticket);
    }

    const session = new Session(
      {
        owner: this,
        readOnly: options.readOnly === true,
        connection,
        knexFactory: connectionKnexFactory(this.knex, connection),
        statementNames: this.#statementNames,
        sessionContext: this.#sessionContext,
        extraStats,
      },
      opening,
    );
    outcome.session = session;
    let finished!: () => void;
    const open: OpenTransaction = {
      session,
      abort(state, reason) {
        session.end(state);
        giveUp(reason);
      },
      finished: new Promise<void>((resolve) => {
        finished = resolve;
      }),
    };
    this.#open.add(open);
    try {
      const work = this.#run(session, fn, options, timeoutMs, outcome);
      work.catch(ignore);
      const result = await Promise.race([work, abandoned]);
      session.end('committed');
      return result;
    } catch (caught) {
      let error = caught;
      // The server's statement_timeout is capped by this same deadline, and its clock can beat a
      // timer that waits behind a busy event loop: past the deadline, it is the deadline.
      if (!expired && isStatementCancelled(error) && performance.now() >= deadlineAt) {
        expired = true;
        error = new TransactionTimeoutError(timeoutMs);
      }
      if (expired) {
        session.end('timed out');
        this.counters.timedOut += 1;
        this.#logger.warn(
          { sessionId: session.id, timeoutMs, openedAt: session.openedAt },
          'transaction held past its deadline: rolling it back and releasing its connection',
        );
      }
      session.end('rolled back');
      await this.#rollback(session);
      // Rolled back by close(): say so, rather than whatever the cancelled work failed with.
      if (session.state === 'closed') throw new DatabaseClosedError();
      throw error;
    } finally {
      clearTimeout(timer);
      this.#open.delete(open);
      this.#handoff.giveBack(connection);
      finished();
    }
  }

  /** BEGIN with its settings, `fn` inside the session, COMMIT: one attempt's work on its connection. */
  async #run<T>(
    session: Session,
    fn: (session: Session) => PromiseLike<T>,
    options: TransactionOptions,
    timeoutMs: number,
    outcome: AttemptOutcome,
  ): Promise<T> {
    const { config } = this;
    // Pipelined (the pool's clients run in pg's pipeline mode): the statements `fn` sends go out
    // behind BEGIN without waiting for its answer, so BEGIN costs no round trip of its own. It is
    // safe for writes too: BEGIN itself fails only with the connection, which fails what follows;
    // a SET LOCAL that fails leaves the block aborted, so every statement behind it fails as well
    // and nothing runs outside the transaction (test/pipelined-begin.test.ts proves both).
    batchWritesUntilNextTick(session.connection);
    const begun = sendControl(
      session.connection,
      beginStatement({
        isolationLevel: options.isolationLevel,
        readOnly: options.readOnly,
        statementTimeoutMs:
          options.statementTimeoutMs ?? Math.min(config.statementTimeoutMs || timeoutMs, timeoutMs),
        lockTimeoutMs: options.lockTimeoutMs ?? config.lockTimeoutMs,
        idleInTransactionTimeoutMs: config.idleInTransactionTimeoutMs,
      }),
    );
    begun.catch(ignore);
    const body = async () => {
      try {
        return await fn(session);
      } catch (error) {
        if (!isDriverError(error)) outcome.applicationError = error;
        throw error;
      }
    };
    const result = await (this.#sessionContext ? sessionStorage.run(session, body) : body());
    // Ended from outside meanwhile (deadline, close): the rollback is theirs, and the connection
    // may already be someone else's, so nothing more is sent.
    if (!session.isActive) return result;
    await begun;
    session.markCommitting();
    if (options.readOnly && options.isolationLevel !== 'serializable') {
      // What a read-only transaction read cannot be undone by its COMMIT (only a serializable
      // one can still fail there), so it is not waited for: it is on the wire ahead of whatever
      // the connection's next borrower sends (pipeline mode), and the connection goes back to
      // the pool, and the answer out, one round trip sooner. A connection lost meanwhile is
      // dropped by the pool; the next borrower's BEGIN fails and that transaction is retried.
      // Held until the promise callbacks of this turn have run: the connection goes back to the
      // pool at once, and under load the next borrower's BEGIN and first statement join the
      // COMMIT in one write (and PostgreSQL answers them in one read).
      batchWritesUntilNextTick(session.connection);
      sendControl(session.connection, 'COMMIT').catch(ignore);
      return result;
    }
    await sendControl(session.connection, 'COMMIT');
    return result;
  }

  /**
   * Rolls the transaction back on its connection. ROLLBACK would wait behind a statement still
   * running there, so that statement is cancelled on the server first. A connection that cannot
   * roll back is closed, and the pool replaces it.
   */
  async #rollback(session: Session): Promise<void> {
    const { connection } = session;
    if (session.inFlightQueries > 0 && connection.processID !== null) {
      await cancelRunningStatement(this.config, connection.processID).catch((error: unknown) => {
        this.#logger.error(
          { err: error, sessionId: session.id },
          'could not cancel the running statement',
        );
      });
    }
    const limit = delay(ROLLBACK_TIMEOUT_MS);
    try {
      const rolledBack = sendControl(connection, 'ROLLBACK').then(() => true);
      if (!(await Promise.race([rolledBack, limit.promise.then(() => false)]))) {
        throw new Error(`ROLLBACK did not answer within ${ROLLBACK_TIMEOUT_MS} ms`);
      }
    } catch {
      await connection.end().catch(ignore);
    } finally {
      limit.cancel();
    }
  }

  /** How long the longest-waiting transaction has been waiting for a connection (0: none waits). */
  oldestAcquireWaitMs(): number {
    // A Set iterates in insertion order and tickets are stamped as they are added, so the first
    // is the oldest: the load shedder asks on every request, when hundreds may be waiting.
    for (const ticket of this.#acquiring) return performance.now() - ticket.since;
    return 0;
  }

  poolStats(): PoolStats {
    const stats = readPoolStats(this.knex, this.config.pool.max);
    return { ...stats, pendingAcquires: stats.pendingAcquires + this.#handoff.waiting };
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
      const deadline = delay(deadlineMs);
      await Promise.race([idle, deadline.promise]);
      deadline.cancel();
    }
    await Promise.all(
      [...this.#open].map((open) => {
        this.#logger.warn(
          { sessionId: open.session.id, openedAt: open.session.openedAt },
          'closing the database with a transaction still open: rolling it back',
        );
        open.abort('closed', new DatabaseClosedError());
        return open.finished;
      }),
    );
    this.#handoff.rejectAll(new DatabaseClosedError());
    await this.knex.destroy();
  }
}

/** Options a joined transaction cannot honour are refused rather than silently dropped. */
function assertJoinable(joined: Session, options: TransactionOptions): void {
  if (options.readOnly && !joined.readOnly) {
    throw new NestedTransactionError('a read-only transaction cannot run inside a read-write one');
  }
  if (!options.readOnly && joined.readOnly) {
    throw new NestedTransactionError('a read-write transaction cannot run inside a read-only one');
  }
  const refused = (
    ['isolationLevel', 'timeoutMs', 'statementTimeoutMs', 'lockTimeoutMs', 'retry'] as const
  ).filter((key) => options[key] !== undefined);
  if (refused.length > 0) {
    throw new NestedTransactionError(`its own ${refused.join(', ')} cannot be applied`);
  }
}

export function createDatabase(
  config: DatabaseConfigInput | DatabaseConfig,
  options?: DatabaseOptions,
): Database {
  return new Database(parseDatabaseConfig(config), options);
}

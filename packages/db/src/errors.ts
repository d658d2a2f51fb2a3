/**
 * Typed database errors. The API maps `kind` to a transport status; nothing above this
 * package needs to know SQLSTATE codes or driver messages.
 */
export type DatabaseErrorKind =
  'conflict' | 'invalid_input' | 'timeout' | 'unavailable' | 'serialization' | 'misuse';

export abstract class DatabaseError extends Error {
  abstract readonly kind: DatabaseErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A unique constraint rejected the write; `constraint` tells which one. */
export class UniqueViolationError extends DatabaseError {
  readonly kind = 'conflict';
  constructor(
    readonly constraint: string | undefined,
    readonly table: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Unique constraint ${constraint ?? '(unknown)'} was violated`, options);
  }
}

/** A foreign-key, check, not-null or value-format rule rejected the input. */
export class IntegrityViolationError extends DatabaseError {
  readonly kind = 'invalid_input';
  constructor(
    readonly rule: 'foreign_key' | 'check' | 'not_null' | 'invalid_value',
    readonly constraint: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`Input rejected by ${rule} rule ${constraint ?? ''}`.trim(), options);
  }
}

/** The server cancelled a statement that ran past statement_timeout or waited past lock_timeout. */
export class StatementTimeoutError extends DatabaseError {
  readonly kind = 'timeout';
  constructor(options?: { cause?: unknown }) {
    super('The database statement took too long and was cancelled', options);
  }
}

/** A transaction ran past its own deadline and was rolled back. */
export class TransactionTimeoutError extends DatabaseError {
  readonly kind = 'timeout';
  constructor(
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`The transaction ran past its ${timeoutMs} ms deadline and was rolled back`, options);
  }
}

/** No connection could be had in time: pool exhausted, server down, or the layer is closing. */
export class DatabaseUnavailableError extends DatabaseError {
  readonly kind = 'unavailable';
  constructor(reason: string, options?: { cause?: unknown }) {
    super(`The database is unavailable: ${reason}`, options);
  }
}

/** Serialization failure or deadlock that outlasted every retry. */
export class SerializationFailureError extends DatabaseError {
  readonly kind = 'serialization';
  constructor(
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`The transaction could not be serialized after ${attempts} attempt(s)`, options);
  }
}

/** A session was used after its transaction had ended (SQLAlchemy's DetachedInstanceError). */
export class SessionEndedError extends DatabaseError {
  readonly kind = 'misuse';
  constructor(sessionId: number, state: string, openedAt: string | undefined) {
    super(
      `Session #${sessionId} was used after its transaction ended (${state}). ` +
        `Keep every query inside the transaction callback.\nThe transaction was opened at:\n${openedAt ?? '(no stack)'}`,
    );
  }
}

/** A model query was run without a session: models are never bound to a global connection. */
export class MissingSessionError extends DatabaseError {
  readonly kind = 'misuse';
  constructor(modelName: string) {
    super(
      `${modelName}.query() ran outside a transaction. Pass the session (${modelName}.query(session)) ` +
        `or call it inside db.transaction(); models never take a connection of their own.`,
    );
  }
}

/**
 * `db.transaction()`/`db.read()` was called inside a transaction of the same database with
 * options that a joined transaction cannot honour (it is one transaction, already begun).
 */
export class NestedTransactionError extends DatabaseError {
  readonly kind = 'misuse';
  constructor(reason: string) {
    super(
      `A nested transaction joins the one it runs inside, so ${reason}. ` +
        `Call it outside the transaction, or use session.transaction() for a savepoint.`,
    );
  }
}

/** The layer is draining or closed and accepts no new work. */
export class DatabaseClosedError extends DatabaseUnavailableError {
  constructor() {
    super('the database layer is shutting down');
  }
}

interface PgLikeError {
  code?: string;
  constraint?: string;
  table?: string;
  message?: string;
  name?: string;
  nativeError?: unknown;
}

const CONNECTION_LOST_CODES = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '08P01', // protocol_violation: also how PgBouncer reports query_wait_timeout and server loss
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

const CONNECTION_LOST_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'terminating connection',
];

function nativeOf(error: unknown): PgLikeError {
  let current = error as PgLikeError | undefined;
  // Objection wraps driver errors (db-errors); knex may wrap once more.
  for (let depth = 0; depth < 3 && current?.nativeError; depth += 1) {
    current = current.nativeError;
  }
  return current ?? {};
}

const driverErrors = new WeakSet<object>();

/** @internal Remembers an error as raised by the driver for one of a session's statements. */
export function markDriverError(error: unknown): void {
  if (typeof error === 'object' && error !== null) driverErrors.add(error);
}

/** @internal True when the error, or the driver error Objection or knex wrapped in it, came from a session's statement. */
export function isDriverError(error: unknown): boolean {
  let current = error as PgLikeError | undefined;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    if (driverErrors.has(current)) return true;
    current = current.nativeError as PgLikeError | undefined;
  }
  return false;
}

/** True for failures after which the server has already rolled the transaction back and a retry is safe. */
export function isRetryableConflict(error: unknown): boolean {
  const code = nativeOf(error).code;
  return code === '40001' || code === '40P01';
}

/**
 * True when PostgreSQL refused a named prepared statement's cached plan because a table it reads
 * changed shape (`cached plan must not change result type`, after a migration added a column):
 * the transaction is aborted, nothing was committed, and a retry prepares the statement afresh.
 */
export function isStalePreparedPlan(error: unknown): boolean {
  const native = nativeOf(error);
  return (
    native.code === '0A000' && /cached plan must not change result type/.test(native.message ?? '')
  );
}

/**
 * True when a named prepared statement was not where the driver left it (`does not exist`) or
 * was already there (`already exists`): the server connections are being shared between
 * clients by a pooler that does not carry prepared statements (PgBouncer before 1.21, or
 * without `max_prepared_statements`, in transaction mode). Nothing was committed.
 */
export function isPreparedStatementLost(error: unknown): boolean {
  const code = nativeOf(error).code;
  return code === '26000' || code === '42P05';
}

/** @internal True when the server cancelled the statement (statement_timeout, or a cancel request). */
export function isStatementCancelled(error: unknown): boolean {
  return nativeOf(error).code === '57014';
}

/** True when a statement was refused because an earlier one had already failed the transaction. */
export function isAbortedTransaction(error: unknown): boolean {
  return nativeOf(error).code === '25P02';
}

/** True when the connection itself was lost (killed, server restarting, network). */
export function isConnectionLost(error: unknown): boolean {
  const native = nativeOf(error);
  if (native.code && CONNECTION_LOST_CODES.has(native.code)) return true;
  const message = native.message ?? '';
  return CONNECTION_LOST_MESSAGES.some((fragment) => message.includes(fragment));
}

/** Maps a driver, knex or Objection error to a typed DatabaseError; anything else is returned unchanged. */
export function toDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseError) return error;
  const native = nativeOf(error);
  const cause = { cause: error };
  switch (native.code) {
    case '23505':
      return new UniqueViolationError(native.constraint, native.table, cause);
    case '23503':
      return new IntegrityViolationError('foreign_key', native.constraint, cause);
    case '23514':
      return new IntegrityViolationError('check', native.constraint, cause);
    case '23502':
      return new IntegrityViolationError('not_null', native.constraint, cause);
    case '22P02':
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22021':
      return new IntegrityViolationError('invalid_value', native.constraint, cause);
    case '57014':
    case '55P03':
      return new StatementTimeoutError(cause);
    default:
      break;
  }
  if ((error as PgLikeError | undefined)?.name === 'KnexTimeoutError') {
    return new DatabaseUnavailableError(
      'no connection became free within the acquire timeout',
      cause,
    );
  }
  if (isConnectionLost(error)) {
    return new DatabaseUnavailableError('the connection to the server was lost', cause);
  }
  return error;
}

import type { IsolationLevel } from './database';

export interface BeginOptions {
  isolationLevel?: IsolationLevel | undefined;
  readOnly?: boolean | undefined;
  statementTimeoutMs: number;
  lockTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

const ISOLATION_LEVELS: ReadonlySet<string> = new Set<IsolationLevel>([
  'read committed',
  'repeatable read',
  'serializable',
]);

const cache = new Map<string, string>();

function milliseconds(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds, got ${value}`);
  }
  return value;
}

/**
 * BEGIN and the per-transaction limits in one simple-protocol round trip instead of two or
 * three: `SET LOCAL` lasts only until COMMIT/ROLLBACK, so pooled connections (and PgBouncer in
 * transaction mode) never carry them to the next borrower. SET takes no bind parameters; every
 * value is checked to be a whole number or one of the isolation levels before it is written
 * into the statement, and the few distinct statements are built once.
 */
export function beginStatement(options: BeginOptions): string {
  const key = `${options.isolationLevel}|${options.readOnly}|${options.statementTimeoutMs}|${options.lockTimeoutMs}|${options.idleInTransactionTimeoutMs}`;
  let statement = cache.get(key);
  if (statement) return statement;
  const mode: string[] = [];
  if (options.isolationLevel) {
    if (!ISOLATION_LEVELS.has(options.isolationLevel)) {
      throw new RangeError(`unknown isolation level ${JSON.stringify(options.isolationLevel)}`);
    }
    mode.push(`ISOLATION LEVEL ${options.isolationLevel.toUpperCase()}`);
  }
  if (options.readOnly) mode.push('READ ONLY');
  statement =
    `BEGIN${mode.length ? ` ${mode.join(' ')}` : ''}; ` +
    `SET LOCAL statement_timeout = ${milliseconds('statementTimeoutMs', options.statementTimeoutMs)}; ` +
    `SET LOCAL lock_timeout = ${milliseconds('lockTimeoutMs', options.lockTimeoutMs)}; ` +
    `SET LOCAL idle_in_transaction_session_timeout = ${milliseconds('idleInTransactionTimeoutMs', options.idleInTransactionTimeoutMs)}`;
  if (cache.size < 64) cache.set(key, statement);
  return statement;
}

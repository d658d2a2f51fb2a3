export { createDatabase, Database } from './database';
export type {
  IsolationLevel,
  TransactionOptions,
  TransactionCounters,
  DatabaseOptions,
} from './database';
export { Session } from './session';
export { CompiledStatement } from './compiled-statement';
export { settlePipelined } from './settle-pipelined';
export type { CompiledStatementOptions, StatementBuilder } from './compiled-statement';
export type { SessionState } from './session';
export { currentSession } from './session-context';
export {
  ConfigError,
  databaseConfigSchema,
  parseDatabaseConfig,
  readDatabaseConfig,
} from './config';
export type { ConfigIssue, DatabaseConfig, DatabaseConfigInput } from './config';
export {
  DatabaseError,
  DatabaseClosedError,
  DatabaseUnavailableError,
  IntegrityViolationError,
  MissingSessionError,
  NestedTransactionError,
  SerializationFailureError,
  SessionEndedError,
  StatementTimeoutError,
  TransactionTimeoutError,
  UniqueViolationError,
  isConnectionLost,
  isRetryableConflict,
  isStalePreparedPlan,
  toDatabaseError,
} from './errors';
export type { DatabaseErrorKind } from './errors';
export type { PoolStats } from './pool';
export { QueryStats, countQueries, currentQueryStats, withQueryStats } from './query-stats';
export type { DatabaseLogger } from './logger';
export { BaseModel } from './model/base-model';
export { RelationNotLoadedError } from './model/relation-not-loaded-error';
export { Migrator, collectMigrations } from './migrations/migrator';
export type { Migration } from './migrations/migration';
export type { MigrationStatus } from './migrations/migrator';
export type { Knex } from 'knex';
export { NotificationListener } from './notification-listener';
export type { NotificationListenerOptions } from './notification-listener';

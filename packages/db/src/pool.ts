import knexFactory, { type Knex } from 'knex';
import type { ClientConfig } from 'pg';
import type { DatabaseConfig } from './config';
import { tarnPool } from './knex-adapter';
import type { DatabaseLogger } from './logger';

/** Figures of the connection pool at one moment. */
export interface PoolStats {
  /** Connections lent to a transaction. */
  used: number;
  /** Open connections waiting in the pool. */
  free: number;
  /** Callers waiting for a connection. */
  pendingAcquires: number;
  /** Connections being opened. */
  pendingCreates: number;
  /** Open connections, used or free. */
  size: number;
  max: number;
}

/**
 * The process's one knex pool on the `pg` driver. Sessions are transaction-scoped, so no
 * connection ever carries session-level state between borrowers (PgBouncer-safe).
 */
export function createPool(config: DatabaseConfig, logger: DatabaseLogger): Knex {
  const { pool } = config;
  return knexFactory({
    client: 'pg',
    // knex's own notices (a dropped connection, an acquire that failed) go to our logger.
    log: {
      warn: (message: unknown) => logger.warn({ source: 'knex' }, String(message)),
      error: (message: unknown) => logger.error({ source: 'knex' }, String(message)),
      deprecate: (method: string, alternative: string) =>
        logger.warn({ source: 'knex' }, `${method} is deprecated, use ${alternative}`),
      debug: () => undefined,
    },
    connection: {
      // pg's own ClientConfig: knex hands it to `new pg.Client()` as it is.
      connectionString: config.url,
      application_name: config.applicationName,
      keepAlive: pool.keepAlive,
      keepAliveInitialDelayMillis: pool.keepAliveInitialDelayMs,
      connectionTimeoutMillis: pool.acquireTimeoutMs,
      // pg's pipeline mode: a statement is written at once, not after the previous answer, so a
      // transaction's BEGIN travels with its first statement (see Database#run). Only one
      // transaction uses a connection at a time, so answers never interleave between callers.
      pipeline: true,
    } satisfies ClientConfig as Knex.StaticConnectionConfig,
    pool: {
      min: pool.min,
      max: pool.max,
      acquireTimeoutMillis: pool.acquireTimeoutMs,
      createTimeoutMillis: pool.acquireTimeoutMs,
      idleTimeoutMillis: pool.idleTimeoutMs,
      reapIntervalMillis: 1_000,
      // A failed connect (server down) rejects the waiting acquire at once instead of
      // retrying until the acquire timeout: callers get a fast "unavailable".
      propagateCreateError: true,
      // Connections older than this are retired when next borrowed (knex 3.3's own option),
      // with jitter so a pool opened at once does not reconnect at once.
      maxConnectionLifetimeMillis: pool.maxLifetimeMs,
      maxConnectionLifetimeJitterMillis: Math.min(pool.maxLifetimeMs / 10, 60_000),
    },
  });
}

export function readPoolStats(knex: Knex, max: number): PoolStats {
  const tarn = tarnPool(knex);
  if (!tarn) return { used: 0, free: 0, pendingAcquires: 0, pendingCreates: 0, size: 0, max };
  const used = tarn.numUsed();
  const free = tarn.numFree();
  return {
    used,
    free,
    pendingAcquires: tarn.numPendingAcquires(),
    pendingCreates: tarn.numPendingCreates(),
    size: used + free,
    max,
  };
}

import pg from 'pg';
import type { DatabaseConfig } from './config';

/**
 * Cancels the statement running on another connection: pg_cancel_backend from a short-lived
 * client of its own, because the transaction's connection is busy and the pool may be empty.
 * Behind PgBouncer the backend id is PgBouncer's, so this reaches nothing; statement_timeout
 * is the backstop there (packages/db/README.md).
 */
export async function cancelRunningStatement(
  config: DatabaseConfig,
  processId: number,
): Promise<void> {
  const client = new pg.Client({
    connectionString: config.url,
    application_name: `${config.applicationName}:cancel`.slice(0, 63),
    connectionTimeoutMillis: config.pool.acquireTimeoutMs,
  });
  await client.connect();
  try {
    await client.query('select pg_cancel_backend($1)', [processId]);
  } finally {
    await client.end();
  }
}

import type pg from 'pg';

/**
 * BASELINE_TRANSACTION=1: every statement of the hand-written server runs in a transaction of
 * its own, opened the way Trellis opens one (BEGIN READ ONLY with the same SET LOCAL limits in
 * one round trip, COMMIT after). Each baseline request is one statement, so this is exactly
 * "one transaction per request": the bench shows that guarantee's price at the machine's limit.
 */
const BEGIN =
  'BEGIN READ ONLY; SET LOCAL statement_timeout = 10000; SET LOCAL lock_timeout = 5000; ' +
  'SET LOCAL idle_in_transaction_session_timeout = 30000';

export function transactionalPool(pool: pg.Pool): pg.Pool {
  const query = async (config: pg.QueryConfig) => {
    const client = await pool.connect();
    try {
      await client.query(BEGIN);
      const result = await client.query(config);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  return { query } as unknown as pg.Pool;
}

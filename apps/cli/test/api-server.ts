import { buildServer, createLogger, readApiConfig, type ApiServer } from '@trellis/api';
import { createDatabase, type Database } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, beforeAll } from 'vitest';

export interface ApiUnderTest {
  /** This test file's database (for what no procedure does: expiring a token). */
  readonly database: ReturnType<typeof useTestDatabase>;
  /** `http://127.0.0.1:<port>/trpc` */
  readonly url: string;
}

/**
 * The real API (Fastify + tRPC) on a random loopback port over this test file's own database,
 * started before the file's tests and closed after them.
 */
export function useApiServer(): ApiUnderTest {
  const database = useTestDatabase();
  let server: ApiServer | undefined;
  let db: Database | undefined;
  let url = '';
  beforeAll(async () => {
    const config = readApiConfig({
      LOG_LEVEL: 'silent',
      // The server shares a busy test worker's CPU: load shedding stays out of the way.
      SHED_EVENT_LOOP_DELAY_MS: '10000',
      SHED_ACQUIRE_WAIT_MS: '10000',
    });
    db = createDatabase({ url: database.url, pool: { max: 5 } });
    server = await buildServer({ config, db, log: createLogger(config) });
    url = `${await server.app.listen({ port: 0, host: '127.0.0.1' })}/trpc`;
  });
  afterAll(async () => {
    await server?.app.close();
    await server?.metricsApp?.close();
    await db?.close();
  });
  return {
    database,
    get url() {
      return url;
    },
  };
}

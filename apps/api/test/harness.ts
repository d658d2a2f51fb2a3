import { createDatabase, type Database } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterAll, beforeAll } from 'vitest';
import type { AppRouter } from '../src/app-router';
import { readApiConfig, type ApiConfig } from '../src/config';
import { buildServer } from '../src/http/build-server';

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

export interface ApiHarness {
  readonly url: string;
  readonly db: Database;
  readonly app: FastifyInstance;
  /** A typed client over real HTTP; with a token it sends `Authorization: Bearer`. */
  client(token?: string): Client;
  /** The headers of the last response a client of this harness received. */
  lastHeaders(): Headers | undefined;
}

/**
 * Starts the real Fastify server on a random loopback port over this test file's own
 * database, and gives typed @trpc/client clients that talk to it over HTTP.
 */
export function useApi(
  overrides: Partial<ApiConfig> = {},
  pool: { max?: number } = {},
): ApiHarness {
  const database = useTestDatabase();
  let app: FastifyInstance | undefined;
  let db: Database | undefined;
  let url = '';
  let headers: Headers | undefined;

  beforeAll(async () => {
    const config = { ...readApiConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), ...overrides };
    db = createDatabase({ url: database.url, pool: { max: pool.max ?? 10 } });
    app = (await buildServer({ config, db, log: pino({ level: 'silent' }) })).app;
    url = `${await app.listen({ port: 0, host: '127.0.0.1' })}/trpc`;
  });

  afterAll(async () => {
    await app?.close();
    const stats = db?.poolStats();
    await db?.close();
    if (stats && stats.used > 0)
      throw new Error(`API test left ${stats.used} connection(s) in use`);
  });

  return {
    get url() {
      return url;
    },
    get db() {
      if (!db) throw new Error('the API harness exists only inside tests');
      return db;
    },
    get app() {
      if (!app) throw new Error('the API harness exists only inside tests');
      return app;
    },
    client(token) {
      return createTRPCClient<AppRouter>({
        links: [
          httpLink({
            url,
            transformer: superjson,
            headers: () => (token ? { authorization: `Bearer ${token}` } : {}),
            fetch: async (input, init) => {
              const response = await fetch(input, init);
              headers = response.headers;
              return response;
            },
          }),
        ],
      });
    },
    lastHeaders: () => headers,
  };
}

/** The tRPC error code of a failed call (e.g. 'NOT_FOUND'), or 'OK' when it succeeded. */
export async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    if (error instanceof TRPCClientError)
      return (error.data as { code?: string } | undefined)?.code ?? 'UNKNOWN';
    throw error;
  }
}

export interface CallFailure {
  code: string;
  message: string;
  data: {
    code?: string;
    httpStatus?: number;
    issues?: Array<{ path: Array<string | number>; message: string }>;
  };
}

/** The failure of a call that must fail; throws if it succeeded. */
export async function failureOf(call: Promise<unknown>): Promise<CallFailure> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = (error.data ?? {}) as CallFailure['data'];
    return { code: data.code ?? 'UNKNOWN', message: error.message, data };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** Queries the request ran, read from its Server-Timing header. */
export function queriesFromServerTiming(headers: Headers | undefined): number {
  const value = headers?.get('server-timing') ?? '';
  const match = /db;dur=[\d.]+;desc="(\d+) queries"/.exec(value);
  if (!match) throw new Error(`no Server-Timing db entry in ${JSON.stringify(value)}`);
  return Number(match[1]);
}

export { createDatabase };

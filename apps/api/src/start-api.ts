import { createDatabase, Migrator, readDatabaseConfig, type Database } from '@trellis/db';
import type { FastifyInstance } from 'fastify';
import { readApiConfig, type ApiConfig } from './config';
import { resolveDatabaseUrl } from './database/resolve-database-url';
import { buildServer } from './http/build-server';
import { allMigrations } from './migrations';

export interface RunningApi {
  app: FastifyInstance;
  db: Database;
  config: ApiConfig;
  address: string;
}

/**
 * Boots the API: configuration (failing fast on bad values), the database (DATABASE_URL or the
 * embedded server), migrations, the HTTP server, and signal handling. `beforeListen` runs after
 * migrations (the demo seeds there).
 */
export async function startApi(
  options: { beforeListen?: (api: Omit<RunningApi, 'address'>) => Promise<void> } = {},
): Promise<RunningApi> {
  const config = readApiConfig();
  const database = await resolveDatabaseUrl();
  const db = createDatabase(readDatabaseConfig(process.env, { url: database.url }));
  const app = await buildServer({ config, db });

  if (config.MIGRATE_ON_START) {
    const applied = await new Migrator(db, allMigrations).latest();
    if (applied.length > 0) app.log.info({ applied }, `applied ${applied.length} migration(s)`);
  }
  await options.beforeListen?.({ app, db, config });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      app.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.close({ deadlineMs: config.SHUTDOWN_GRACE_MS });
    await database.stop();
    process.exit(0);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  app.log.info(`Trellis API ready at ${address}/trpc (database: ${database.source})`);
  return { app, db, config, address };
}

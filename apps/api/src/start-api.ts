import type { Database } from '@trellis/db';
import { createApiDatabase } from './database/api-database';
import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from './config';
import { migrateDatabase } from './database/migrate-database';
import { resolveDatabaseUrl } from './database/resolve-database-url';
import { buildServer } from './http/build-server';
import { installGracefulShutdown } from './http/graceful-shutdown';
import { createLogger } from './logging';
import { readSettings } from './startup/settings';
import { startupDatabaseLogger } from './startup/startup-database-logger';

export interface RunningApi {
  app: FastifyInstance;
  db: Database;
  config: ApiConfig;
  address: string;
}

/**
 * Boots the API: configuration (failing fast on bad values), the database (DATABASE_URL or the
 * embedded server), migrations, the HTTP server, graceful shutdown. `beforeListen` runs after
 * migrations (the demo seeds there).
 */
export async function startApi(
  options: { beforeListen?: (api: Omit<RunningApi, 'address'>) => Promise<void> } = {},
): Promise<RunningApi> {
  const { api: config, database: databaseConfig } = readSettings();
  const database = await resolveDatabaseUrl();
  const log = createLogger(config);
  const databaseLog = startupDatabaseLogger(log);
  const db = createApiDatabase({ ...databaseConfig, url: database.url }, databaseLog.logger);
  const { app, readiness, metricsApp } = await buildServer({ config, db, log });

  if (config.MIGRATE_ON_START) {
    // As the migration role (DATABASE_MIGRATION_URL), on a connection of its own.
    const applied = await migrateDatabase(database, databaseConfig, {
      logger: databaseLog.logger,
    });
    if (applied.length > 0) app.log.info({ applied }, `applied ${applied.length} migration(s)`);
  }
  await options.beforeListen?.({ app, db, config });

  installGracefulShutdown({
    app,
    metricsApp,
    db,
    readiness,
    graceMs: config.SHUTDOWN_GRACE_MS,
    afterClose: () => database.stop(),
  });

  const address = await app.listen({ port: config.PORT, host: config.HOST });
  if (metricsApp && config.METRICS_PORT !== undefined) {
    const metricsAddress = await metricsApp.listen({
      port: config.METRICS_PORT,
      host: config.METRICS_HOST,
    });
    app.log.info(`metrics at ${metricsAddress}/metrics`);
  } else if (config.METRICS_ENABLED && config.METRICS_TOKEN === undefined) {
    app.log.info(
      'metrics are not served: set METRICS_PORT (a listener of their own) or METRICS_TOKEN (the API port, with that bearer token)',
    );
  }
  databaseLog.started();
  app.log.info(`Trellis API ready at ${address}/trpc (database: ${database.source})`);
  // Whoever started the API is waiting for that line: it does not wait for the log buffer.
  log.flush();
  return { app, db, config, address };
}

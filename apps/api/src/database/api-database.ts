import {
  createDatabase,
  type Database,
  type DatabaseConfig,
  type DatabaseConfigInput,
  type DatabaseLogger,
} from '@trellis/db';

/**
 * The API's database layer, without session context (DatabaseOptions.sessionContext). Every
 * procedure hands its session to the services it calls, and none can reach the Database while
 * it holds one (the procedure builders shadow `ctx.db` there): a second transaction inside a
 * request cannot be written, so nothing needs to be caught at run time. Tracking the session of
 * each call chain would cost every promise of the process a hook on Node.js 20, about a sixth of
 * the CPU of a short request (issue 10's bench, README "Performance").
 */
export function createApiDatabase(
  config: DatabaseConfigInput | DatabaseConfig,
  logger?: DatabaseLogger,
): Database {
  return createDatabase(config, { ...(logger ? { logger } : {}), sessionContext: false });
}

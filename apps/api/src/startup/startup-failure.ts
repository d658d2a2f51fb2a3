import { SettingsError } from './settings';

interface SystemErrorLike {
  code?: unknown;
  port?: number;
  address?: string;
  hostname?: string;
}

/** The first error in the `cause` chain (and AggregateError members) carrying a `code`. */
function findCode(error: unknown, depth = 0): (Error & SystemErrorLike) | undefined {
  if (!(error instanceof Error) || depth > 8) return undefined;
  if (typeof (error as SystemErrorLike).code === 'string') return error;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = findCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return findCode(error.cause, depth + 1);
}

/** Who and where, from DATABASE_URL, without the password. */
function databaseTarget(env: Record<string, string | undefined>): {
  user: string;
  database: string;
  server: string;
} {
  try {
    const url = new URL(env.DATABASE_URL ?? '');
    return {
      user: decodeURIComponent(url.username) || 'postgres',
      database: decodeURIComponent(url.pathname.slice(1)) || 'postgres',
      server: url.host || 'localhost',
    };
  } catch {
    return { user: '?', database: '?', server: '?' };
  }
}

/**
 * One line saying what stopped the process and what to do about it, for the failures an
 * operator causes and can fix: a bad setting, a port in use, a database that is missing,
 * refuses the password or cannot be reached. Anything else: its message, still one line.
 */
export function describeStartupFailure(
  error: unknown,
  env: Record<string, string | undefined> = process.env,
): string {
  if (error instanceof SettingsError) return error.message;
  const coded = findCode(error);
  const code = coded?.code;
  const via = env.DATABASE_URL ? 'DATABASE_URL' : 'the embedded server';
  const target = databaseTarget(env);
  switch (code) {
    case 'EADDRINUSE': {
      const port = Number(coded?.port);
      const key =
        env.METRICS_PORT !== undefined && Number(env.METRICS_PORT) === port
          ? 'METRICS_PORT'
          : 'PORT';
      return `port ${port} is in use: set ${key} to a free port, or stop the process using it`;
    }
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${String(coded?.address)}: it is not an address of this machine; set HOST`;
    case 'EACCES':
      if (coded?.port !== undefined)
        return `not allowed to listen on port ${String(coded.port)}: set PORT to 1024 or above`;
      break;
    case '3D000':
      return `database "${target.database}" does not exist on ${target.server}: create it (createdb ${target.database}) or point DATABASE_URL at one that exists`;
    case '28P01':
      return `password authentication failed for user "${target.user}" on ${target.server}: fix the user or password in DATABASE_URL`;
    case '28000':
      return `PostgreSQL at ${target.server} refused user "${target.user}" (no such role, or pg_hba.conf does not allow it): fix DATABASE_URL`;
    case 'ECONNREFUSED':
      return `cannot reach PostgreSQL at ${via === 'DATABASE_URL' ? target.server : 'the embedded server'} (connection refused): start it, or fix ${via === 'DATABASE_URL' ? 'DATABASE_URL' : 'EMBEDDED_POSTGRES_PORT'}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve the database host "${String(coded?.hostname ?? target.server)}": fix DATABASE_URL`;
    case 'ETIMEDOUT':
      return `connecting to PostgreSQL at ${target.server} timed out: check the host and network, or fix DATABASE_URL`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').join(' ');
}

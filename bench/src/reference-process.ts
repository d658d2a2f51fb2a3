/**
 * What every reference server shares as a process: its settings from the environment, the one
 * `listening http://HOST:PORT` line on stdout when it is ready, and a clean exit on SIGTERM or
 * SIGINT. The benchmark harness and the equivalence test rely on exactly this contract.
 */
export interface ReferenceSettings {
  databaseUrl: string;
  host: string;
  port: number;
}

/** Trellis's default pool size: the references use the same, so the comparison is fair. */
export const REFERENCE_POOL_SIZE = 10;

export function readReferenceSettings(env: NodeJS.ProcessEnv = process.env): ReferenceSettings {
  const databaseUrl = env.DATABASE_URL;
  if (!databaseUrl)
    failStartup('DATABASE_URL is not set: give the URL of a migrated Trellis database');
  const port = Number(env.PORT ?? '0');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    failStartup(`PORT must be a port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  }
  return { databaseUrl, host: env.HOST ?? '127.0.0.1', port };
}

/** One clear line on stderr and exit 1: no stack trace for a setup mistake. */
export function failStartup(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

/**
 * Prints the ready line and closes the server on SIGTERM/SIGINT. `close` must release every
 * socket and pool connection; the process then exits with code 0.
 */
export function announceReady(host: string, port: number, close: () => Promise<void>): void {
  process.stdout.write(`listening http://${host}:${port}\n`);
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

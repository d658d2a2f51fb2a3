import { pino, type DestinationStream, type Logger } from 'pino';
import type { ApiConfig } from './config';

/** Paths of headers and fields that must never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'password',
  'token',
  '*.password',
  '*.token',
];

/**
 * The process's one logger (pino, JSON lines); Fastify and the database layer both write to it.
 * `destination` defaults to stdout; tests pass a stream that keeps the lines.
 */
export function createLogger(
  config: Pick<ApiConfig, 'LOG_LEVEL'>,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  // Asynchronous stdout: lines written while a write is in flight go out together in one
  // write, instead of one write per request on the hot path. pino flushes it on exit.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}

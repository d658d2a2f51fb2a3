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
  return destination ? pino(options, destination) : pino(options);
}

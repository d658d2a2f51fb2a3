import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
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
  const options: LoggerOptions = {
    level: config.LOG_LEVEL,
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    hooks: {
      // Warnings and errors are not held in the buffer (logDestination): they go out at once.
      logMethod(args, method, level) {
        method.apply(this, args);
        if (level >= WARN_LEVEL) this.flush();
      },
    },
  };
  return pino(options, destination ?? logDestination(1));
}

/** pino's number for `warn`. */
const WARN_LEVEL = 40;

/** Bytes of log lines held before a write (pino's advice for asynchronous logging). */
export const LOG_BUFFER_BYTES = 4_096;
/** The longest a line waits in that buffer when traffic is low. */
export const LOG_FLUSH_INTERVAL_MS = 1_000;

/**
 * Asynchronous, buffered output: lines go out in one write per 4 KiB (about 15 request lines),
 * and at least once a second. A write per request line had cost `tasks.create` 30 us of the
 * main thread's CPU a request (each an fs.write queued to libuv's thread pool), see the commit.
 * Warnings and errors are flushed at once (createLogger); pino flushes the buffer on exit.
 */
export function logDestination(dest: number | string): DestinationStream {
  return pino.destination({
    dest,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
}

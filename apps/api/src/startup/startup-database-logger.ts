import type { DatabaseLogger } from '@trellis/db';

/**
 * The database layer's logger for a process that is starting: knex logs every failed attempt
 * to connect ("Acquire connection error" with its stack) before the error reaches us, and at
 * start-up that error is reported once, as one line (see describeStartupFailure). Once the
 * process has started (`started()`), every message passes again: at run time those warnings
 * are how an operator sees a flapping database.
 */
export function startupDatabaseLogger(
  target: DatabaseLogger = {
    warn: (details, message) => console.warn(message, details),
    error: (details, message) => console.error(message, details),
  },
): {
  logger: DatabaseLogger;
  started(): void;
} {
  let starting = true;
  return {
    logger: {
      warn(details, message) {
        if (starting && message.startsWith('Acquire connection error')) return;
        target.warn(details, message);
      },
      error: (details, message) => target.error(details, message),
    },
    started: () => (starting = false),
  };
}

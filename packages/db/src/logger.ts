/** The slice of a pino logger this package writes to; pino and console-like adapters fit. */
export interface DatabaseLogger {
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

export const consoleLogger: DatabaseLogger = {
  warn: (details, message) => console.warn(message, details),
  error: (details, message) => console.error(message, details),
};

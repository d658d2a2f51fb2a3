import { TrellisError } from '@trellis/client';
import { EXIT, type ExitCode } from './exit-codes';

/** A failure to report as one line (plus listed field issues) and an exit code; no stack. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly details: readonly string[];

  constructor(message: string, exitCode: ExitCode, details: readonly string[] = []) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.details = details;
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);
export const notFound = (message: string) => new CliError(message, EXIT.notFound);

/** An API failure as people should read it; `url` names the server for network errors. */
export function fromApiError(error: TrellisError, url: string): CliError {
  switch (error.code) {
    case 'UNAUTHORIZED':
      return new CliError('Not signed in, or the session expired: run trellis login', EXIT.auth);
    case 'FORBIDDEN':
      return new CliError(`Not allowed: ${error.message}`, EXIT.auth);
    case 'NOT_FOUND':
      return new CliError(`${error.message}`, EXIT.notFound);
    case 'CONFLICT':
      return new CliError(`Conflict: ${error.message}`, EXIT.conflict);
    case 'BAD_REQUEST':
      return new CliError(
        'Invalid input:',
        EXIT.usage,
        error.issues.length > 0
          ? error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
          : [error.message],
      );
    case 'TOO_MANY_REQUESTS':
      return new CliError(
        `Too many attempts: try again${error.retryAfterSeconds ? ` in ${error.retryAfterSeconds} s` : ' later'}`,
        EXIT.unavailable,
      );
    case 'NETWORK_ERROR':
      return new CliError(
        error.status
          ? `The server at ${url} answered HTTP ${error.status}, not the Trellis API: check the URL (trellis login --url)`
          : `Cannot reach the Trellis API at ${url}: is the server running? (change it with trellis login --url)`,
        EXIT.unavailable,
      );
    default:
      return new CliError(
        error.status === 503
          ? `The server is busy or its database unavailable: try again${error.retryAfterSeconds ? ` in ${error.retryAfterSeconds} s` : ' later'}`
          : `The server failed (${error.code}): ${error.message}`,
        EXIT.unavailable,
      );
  }
}

/** Any thrown value as a CliError. */
export function toCliError(error: unknown, url: string): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TrellisError) return fromApiError(error, url);
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Unexpected error: ${message}`, EXIT.failure);
}

import { TRPCClientError } from '@trpc/client';
import type { AppRouter, ErrorShape } from './app-router.generated';
import { NonApiResponseError } from './non-api-response-error';

/** A field the server rejected: its path in the input, what is wrong, and zod's issue code. */
export type FieldIssue = NonNullable<ErrorShape['data']['issues']>[number];

/** tRPC's error codes, plus `NETWORK_ERROR` for a call that never got an answer from the API. */
export type TrellisErrorCode = ErrorShape['data']['code'] | 'NETWORK_ERROR';

/**
 * The one error every failed call of a Trellis client throws. It is a `TRPCClientError` too
 * (tRPC passes it through unchanged), with the parts callers act on read out:
 *
 * - `code`: tRPC's code (`NOT_FOUND`, `CONFLICT`, `BAD_REQUEST`, …) or `NETWORK_ERROR` when the
 *   server could not be reached (no `status`) or something other than the API answered (a
 *   proxy's 502/503 page: `status` set);
 * - `status`: the HTTP status, when there was an answer (for a subscription refused before its
 *   stream started, the status it was refused with, where the EventSource tells it);
 * - `issues`: the fields a BAD_REQUEST names (`[{ path: ['title'], message, code }]`), else `[]`;
 * - `retryAfterSeconds`: the server's `Retry-After`, when it sent one (503, 429).
 */
export class TrellisError extends TRPCClientError<AppRouter> {
  readonly code: TrellisErrorCode;
  readonly status: number | undefined;
  readonly issues: readonly FieldIssue[];
  readonly retryAfterSeconds: number | undefined;

  constructor(original: TRPCClientError<AppRouter>) {
    super(original.message, {
      result: original.shape ? { error: original.shape } : undefined,
      ...(original.cause ? { cause: original.cause } : {}),
      ...(original.meta ? { meta: original.meta } : {}),
    });
    // TRPCClientError's constructor sets its own prototype; put ours back.
    Object.setPrototypeOf(this, TrellisError.prototype);
    this.name = 'TrellisError';
    const response = responseOf(original);
    const nonApi = original.cause instanceof NonApiResponseError ? original.cause : undefined;
    this.code = original.data?.code ?? 'NETWORK_ERROR';
    this.status =
      original.data?.httpStatus ?? response?.status ?? nonApi?.status ?? streamStatus(original);
    this.issues = original.data?.issues ?? [];
    this.retryAfterSeconds = parseRetryAfter(
      response?.headers.get('retry-after') ?? nonApi?.retryAfter ?? null,
    );
  }

  /** Any error as a TrellisError (a TRPCClientError is converted, anything else wrapped). */
  static fromUnknown(error: unknown): TrellisError {
    if (error instanceof TrellisError) return error;
    return new TrellisError(
      TRPCClientError.from<AppRouter>(error instanceof Error ? error : { error }),
    );
  }
}

/** The HTTP response a client error came with, if any (tRPC keeps it in `meta.response`). */
function responseOf(error: TRPCClientError<AppRouter>): Response | undefined {
  const response = (error.meta as { response?: unknown } | undefined)?.response;
  return response && typeof (response as Response).status === 'number'
    ? (response as Response)
    : undefined;
}

/**
 * The HTTP status a subscription's stream was refused with: the `eventsource` package reports a
 * failed connection as an `error` event with the status as `code` (tRPC keeps the event as the
 * cause). A browser's EventSource tells nothing (no status).
 */
function streamStatus(error: TRPCClientError<AppRouter>): number | undefined {
  const cause = error.cause as unknown;
  if (typeof Event === 'undefined' || !(cause instanceof Event) || cause.type !== 'error') {
    return undefined;
  }
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code <= 599 ? code : undefined;
}

/** `Retry-After` as seconds: a number of seconds or an HTTP date; undefined if absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const hasCode = (error: unknown, code: TrellisErrorCode): error is TrellisError =>
  error instanceof TrellisError && error.code === code;

/** The input was rejected; `error.issues` names the fields. */
export const isBadRequest = (error: unknown): error is TrellisError =>
  hasCode(error, 'BAD_REQUEST');
/** Not signed in, or the token is invalid, expired or revoked. */
export const isUnauthorized = (error: unknown): error is TrellisError =>
  hasCode(error, 'UNAUTHORIZED');
/** Signed in, but the role is too low for this change. */
export const isForbidden = (error: unknown): error is TrellisError => hasCode(error, 'FORBIDDEN');
/** No such thing, or it belongs to a workspace the caller is not in (the API does not tell). */
export const isNotFound = (error: unknown): error is TrellisError => hasCode(error, 'NOT_FOUND');
/** A stale `version`, or a unique name or key already taken: read again and retry. */
export const isConflict = (error: unknown): error is TrellisError => hasCode(error, 'CONFLICT');
/** Throttled (sign-in); `error.retryAfterSeconds` says when to try again. */
export const isTooManyRequests = (error: unknown): error is TrellisError =>
  hasCode(error, 'TOO_MANY_REQUESTS');
/** The API could not be reached, or something other than the API answered. */
export const isNetworkError = (error: unknown): error is TrellisError =>
  hasCode(error, 'NETWORK_ERROR');
/** The server is overloaded or its database unavailable (503): worth retrying later. */
export const isUnavailable = (error: unknown): error is TrellisError =>
  error instanceof TrellisError && error.status === 503;

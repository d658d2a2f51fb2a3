import { DatabaseError, type DatabaseErrorKind } from '@trellis/db';
import { DomainError } from '@trellis/kernel';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

const DATABASE_ERROR_CODES: Record<DatabaseErrorKind, TRPC_ERROR_CODE_KEY> = {
  conflict: 'CONFLICT',
  serialization: 'CONFLICT',
  invalid_input: 'BAD_REQUEST',
  timeout: 'TIMEOUT',
  unavailable: 'SERVICE_UNAVAILABLE',
  misuse: 'INTERNAL_SERVER_ERROR',
};

const DATABASE_ERROR_MESSAGES: Record<DatabaseErrorKind, string> = {
  conflict: 'The change conflicts with existing data',
  serialization: 'The change conflicted with a concurrent change; try again',
  invalid_input: 'The input refers to something that does not exist or breaks a rule',
  timeout: 'The request took too long',
  unavailable: 'The service is temporarily unavailable; try again shortly',
  misuse: 'Internal server error',
};

/**
 * tRPC wraps anything a resolver throws that is not a TRPCError as INTERNAL_SERVER_ERROR with
 * the original as `cause`. This returns that original, so the database layer can classify it
 * (retry on serialization failure) and the error mapper can give it its real code.
 */
export function unwrapThrown(error: TRPCError): unknown {
  return error.code === 'INTERNAL_SERVER_ERROR' && error.cause ? error.cause : error;
}

/** Expected failures become their own codes; database messages never reach the client verbatim. */
export function toTRPCError(error: TRPCError): TRPCError {
  const original = unwrapThrown(error);
  if (original instanceof DomainError) {
    return new TRPCError({ code: original.code, message: original.message, cause: original });
  }
  if (original instanceof DatabaseError) {
    return new TRPCError({
      code: DATABASE_ERROR_CODES[original.kind],
      message: DATABASE_ERROR_MESSAGES[original.kind],
      cause: original,
    });
  }
  return error;
}

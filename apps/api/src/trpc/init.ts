import { InvalidInputError } from '@trellis/kernel';
import { initTRPC } from '@trpc/server';
import type { Context } from './context';
import { inputTransformer } from './input-transformer';
import { outputTransformer } from './output-transformer';

export interface FieldIssue {
  path: Array<string | number>;
  message: string;
  code: string;
}

interface IssueCarrier {
  issues: Array<{
    path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
    message: string;
    code?: string;
  }>;
}

function hasIssues(value: unknown): value is IssueCarrier {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as IssueCarrier).issues)
  );
}

function fieldIssues(cause: unknown): FieldIssue[] | undefined {
  if (cause instanceof InvalidInputError) {
    return [{ path: [...cause.path], message: cause.message, code: 'invalid_reference' }];
  }
  if (!hasIssues(cause)) return undefined;
  return cause.issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) =>
      typeof segment === 'object'
        ? String(segment.key)
        : typeof segment === 'number'
          ? segment
          : String(segment),
    ),
    message: issue.message,
    code: issue.code ?? 'invalid',
  }));
}

/**
 * A validation failure's message as a sentence a person reads (`Invalid input: title: Too big:
 * expected string to have <=200 characters`); programs read the same issues from `data.issues`.
 */
function describeIssues(issues: readonly FieldIssue[]): string {
  const shown = issues.slice(0, 5).map((issue) => {
    const message = issue.message.replace(/^Invalid input: /, '');
    return issue.path.length ? `${issue.path.join('.')}: ${message}` : message;
  });
  const more = issues.length > shown.length ? `; and ${issues.length - shown.length} more` : '';
  return `Invalid input: ${shown.join('; ')}${more}`;
}

/** Documentation carried by every procedure; docs/api.md is generated from it. */
export interface ProcedureMeta {
  summary: string;
  /** Expected error codes beyond BAD_REQUEST (invalid input), which every procedure with input can give. */
  errors: ReadonlyArray<
    'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS'
  >;
}

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    // Inputs accept only the superjson types our procedures use; outputs are written in
    // superjson's format by a walk made for our plain data (output-transformer.ts).
    transformer: { input: inputTransformer, output: outputTransformer },
    // Stacks never reach clients; the log keeps them (see onError in the HTTP server).
    isDev: false,
    // Subscriptions are written by http/live-streams.ts (same protocol, its own heartbeat);
    // these settings apply only should tRPC's own SSE writer ever serve one.
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 20_000 },
    },
    errorFormatter({ shape, error }) {
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      const issues = error.code === 'BAD_REQUEST' ? fieldIssues(error.cause) : undefined;
      return {
        message: internal
          ? 'Internal server error'
          : issues
            ? describeIssues(issues)
            : shape.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          httpStatus: shape.data.httpStatus,
          ...(shape.data.path ? { path: shape.data.path } : {}),
          ...(issues ? { issues } : {}),
        },
      };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const baseProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

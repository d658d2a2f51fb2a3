/**
 * The tRPC v11 HTTP wire format with the superjson transformer, written by hand: what Trellis
 * sends for a query, byte for byte, without tRPC or superjson on the path.
 *
 * Success: `{"result":{"data":{"json":<value>,"meta":{"values":{<path>:["Date"]},"v":1}}}}`,
 * where dates are ISO strings in `json` and each date's dotted path is listed in `meta.values`
 * in the order superjson walks the value; no date at all means no `meta`.
 */

export type DatePaths = Record<string, ['Date']>;

const DATE: ['Date'] = ['Date'];

/** Collects the paths of the dates of a value, in the order the value's JSON is written. */
export class DateMeta {
  readonly values: DatePaths = {};
  private count = 0;

  add(path: string): void {
    this.values[path] = DATE;
    this.count += 1;
  }

  get empty(): boolean {
    return this.count === 0;
  }
}

export function successBody(json: unknown, dates: DateMeta): string {
  const data = dates.empty ? { json } : { json, meta: { values: dates.values, v: 1 } };
  return JSON.stringify({ result: { data } });
}

export type ErrorCode =
  'BAD_REQUEST' | 'UNAUTHORIZED' | 'NOT_FOUND' | 'METHOD_NOT_SUPPORTED' | 'INTERNAL_SERVER_ERROR';

const ERRORS: Record<ErrorCode, { rpc: number; http: number }> = {
  BAD_REQUEST: { rpc: -32600, http: 400 },
  UNAUTHORIZED: { rpc: -32001, http: 401 },
  NOT_FOUND: { rpc: -32004, http: 404 },
  METHOD_NOT_SUPPORTED: { rpc: -32005, http: 405 },
  INTERNAL_SERVER_ERROR: { rpc: -32603, http: 500 },
};

export interface FieldIssue {
  path: Array<string | number>;
  message: string;
  code: string;
}

export interface WireError {
  status: number;
  body: string;
}

/** Trellis's error shape (see apps/api/src/trpc/init.ts errorFormatter). */
export function errorBody(
  code: ErrorCode,
  message: string,
  path: string,
  issues?: FieldIssue[],
): WireError {
  const { rpc, http } = ERRORS[code];
  const data = issues ? { code, httpStatus: http, path, issues } : { code, httpStatus: http, path };
  return { status: http, body: JSON.stringify({ error: { json: { message, code: rpc, data } } }) };
}

export const UNAUTHORIZED_MESSAGE = 'Not signed in, or the token is invalid or expired';

import type { FieldIssue } from './trpc-wire';

/**
 * The baseline's input checks, by hand: the same rules as Trellis's zod schemas for the three
 * procedures (strict objects, UUID ids, the status enum, search 1-200 characters after trim,
 * limit 1-100 defaulting to 50, cursor up to 200 characters). A failure names the field.
 */

export class InputError extends Error {
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
}

// zod 4's z.uuid(): RFC 9562 versions 1-8 plus the nil and max UUIDs.
const UUID =
  /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;

const STATUSES = new Set(['backlog', 'todo', 'in_progress', 'done', 'canceled']);

type Raw = Record<string, unknown>;

function fail(field: string, message: string, code = 'invalid'): never {
  throw new InputError([{ path: field ? [field] : [], message, code }]);
}

/**
 * The procedure input from a GET query string: `input` is superjson's `{"json": ...}`. A key
 * superjson marks as undefined is absent, as it is after superjson's own deserialization.
 */
export function readQueryInput(search: URLSearchParams): unknown {
  const text = search.get('input');
  if (text === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail('', 'input is not JSON', 'invalid_json');
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  return (parsed as { json?: unknown }).json;
}

function strictObject(value: unknown, keys: ReadonlySet<string>): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('', 'Invalid input: expected object', 'invalid_type');
  }
  for (const key of Object.keys(value)) {
    if (!keys.has(key)) fail('', `Unrecognized key: "${key}"`, 'unrecognized_keys');
  }
  return value as Raw;
}

function uuid(value: unknown, field: string): string {
  if (typeof value !== 'string' || !UUID.test(value)) fail(field, 'Invalid UUID', 'invalid_format');
  return value;
}

export interface GetTaskInput {
  id: string;
}

const GET_TASK_KEYS = new Set(['id']);

export function parseGetTaskInput(value: unknown): GetTaskInput {
  const input = strictObject(value, GET_TASK_KEYS);
  return { id: uuid(input.id, 'id') };
}

export interface ListTasksInput {
  projectId: string;
  status?: string;
  /** A user id, null for unassigned, undefined for any. */
  assigneeId?: string | null;
  labelId?: string;
  search?: string;
  limit: number;
  cursor?: string;
}

const LIST_TASKS_KEYS = new Set([
  'projectId',
  'status',
  'assigneeId',
  'labelId',
  'search',
  'limit',
  'cursor',
]);

export function parseListTasksInput(value: unknown): ListTasksInput {
  const input = strictObject(value, LIST_TASKS_KEYS);
  const result: ListTasksInput = { projectId: uuid(input.projectId, 'projectId'), limit: 50 };
  if (input.status !== undefined) {
    if (typeof input.status !== 'string' || !STATUSES.has(input.status)) {
      fail('status', 'Invalid option', 'invalid_value');
    }
    result.status = input.status;
  }
  if (input.assigneeId === null) result.assigneeId = null;
  else if (input.assigneeId !== undefined) result.assigneeId = uuid(input.assigneeId, 'assigneeId');
  if (input.labelId !== undefined) result.labelId = uuid(input.labelId, 'labelId');
  if (input.search !== undefined) {
    if (typeof input.search !== 'string')
      fail('search', 'Invalid input: expected string', 'invalid_type');
    const search = input.search.trim();
    if (search.length < 1)
      fail('search', 'Too small: expected string to have >=1 characters', 'too_small');
    if (search.length > 200)
      fail('search', 'Too big: expected string to have <=200 characters', 'too_big');
    result.search = search;
  }
  if (input.limit !== undefined) {
    const { limit } = input;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100) {
      fail('limit', 'limit must be a whole number from 1 to 100', 'invalid');
    }
    result.limit = limit;
  }
  if (input.cursor !== undefined && input.cursor !== null) {
    if (typeof input.cursor !== 'string' || input.cursor.length > 200) {
      fail('cursor', 'Invalid input: expected a string of at most 200 characters', 'invalid');
    }
    result.cursor = input.cursor;
  }
  return result;
}

const CURSOR_TEXT = /^n:([1-9][0-9]{0,9})$/;
const CURSOR_CHARS = /^[A-Za-z0-9_-]+$/;

/** Trellis's keyset cursor (TaskCursor): base64url of `n:<last number shown>`. */
export function decodeCursor(cursor: string): number {
  const text = CURSOR_CHARS.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = CURSOR_TEXT.exec(text);
  const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isSafeInteger(value) || value > 2_147_483_647) {
    throw new InputError([
      { path: ['cursor'], message: 'The cursor is not valid', code: 'invalid_reference' },
    ]);
  }
  return value;
}

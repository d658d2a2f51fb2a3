/**
 * The hand-written baseline: node:http + pg, no framework, one SQL statement per request (see
 * queries.ts). It answers GET /trpc/auth.me, /trpc/tasks.get and /trpc/tasks.list with
 * exactly Trellis's bodies (tRPC v11 + superjson envelope) after the same token check and the
 * same tenant wall. It stands for what this machine can do: never weaken it.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { announceReady, readReferenceSettings, REFERENCE_POOL_SIZE } from '../reference-process';
import { transactionalPool } from './transactional-pool';
import {
  COMMENTS_FIRST_PAGE,
  encodeCommentCursor,
  encodeTaskCursor,
  itemsWithinTextBudget,
  MAX_PAGE_TEXT,
} from '../trellis-page-bounds';
import {
  decodeCursor,
  InputError,
  parseGetTaskInput,
  parseListTasksInput,
  readQueryInput,
} from './input';
import {
  findUser,
  getTask,
  listTasks,
  type CommentTuple,
  type LabelTuple,
  type TaskRow,
} from './queries';
import {
  DateMeta,
  errorBody,
  successBody,
  UNAUTHORIZED_MESSAGE,
  type WireError,
} from './trpc-wire';

const settings = readReferenceSettings();
const connections = new pg.Pool({
  connectionString: settings.databaseUrl,
  max: REFERENCE_POOL_SIZE,
});
// An idle client's error (PostgreSQL restarted) must not kill the process; the next query fails.
connections.on('error', () => {});
const pool =
  process.env.BASELINE_TRANSACTION === '1' ? transactionalPool(connections) : connections;

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/;
const MAX_TOKEN_LENGTH = 128;

/** The SHA-256 of the bearer token, or null when there is none that Trellis would look up. */
function tokenHashOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  const token = header ? BEARER.exec(header.trim())?.[1] : undefined;
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function labelsOf(tuples: LabelTuple[] | null) {
  if (!tuples) return [];
  return tuples
    .map(([id, name, color]) => ({ id, name, color }))
    .sort(
      (a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.id, b.id),
    );
}

/** A task in Trellis's field order; its dates are recorded in `dates` under `prefix`. */
function taskOf(row: TaskRow, projectKey: string, dates: DateMeta, prefix: string) {
  if (row.due_date !== null) dates.add(`${prefix}dueDate`);
  dates.add(`${prefix}createdAt`);
  dates.add(`${prefix}updatedAt`);
  return {
    id: row.id,
    projectId: row.project_id,
    number: row.number,
    key: `${projectKey}-${row.number}`,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    dueDate: row.due_date,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    assignee:
      row.assignee_id === null
        ? null
        : { id: row.assignee_id, email: row.assignee_email, name: row.assignee_name },
    reporter: { id: row.reporter_id, email: row.reporter_email, name: row.reporter_name },
    labels: labelsOf(row.labels),
  };
}

interface CommentOut {
  id: string;
  body: string;
  createdAt: string;
  author: { id: string; email: string; name: string };
}

/** The first page of comments, cut by size after the task's own text, and its cursor. */
function commentsPageOf(tuples: CommentTuple[] | null, taskText: number, dates: DateMeta) {
  const all = tuples ?? [];
  const kept = itemsWithinTextBudget(
    all.slice(0, COMMENTS_FIRST_PAGE),
    (tuple) => tuple[1].length,
    Math.max(0, MAX_PAGE_TEXT - taskText),
  );
  const comments: CommentOut[] = [];
  for (let index = 0; index < kept; index += 1) {
    const [id, body, createdAt, authorId, email, name] = all[index]!;
    dates.add(`comments.${index}.createdAt`);
    comments.push({ id, body, createdAt, author: { id: authorId, email, name } });
  }
  const last = comments.at(-1);
  return {
    comments,
    commentsCursor: all.length > kept && last ? encodeCommentCursor(last.id) : null,
  };
}

type Answer = { status: 200; body: string } | WireError;

const unauthorized = (path: string) => errorBody('UNAUTHORIZED', UNAUTHORIZED_MESSAGE, path);

async function authMe(hash: string | null): Promise<Answer> {
  const user = hash ? await findUser(pool, hash) : undefined;
  if (!user) return unauthorized('auth.me');
  return {
    status: 200,
    body: successBody({ id: user.id, email: user.email, name: user.name }, new DateMeta()),
  };
}

async function tasksGet(hash: string | null, rawInput: unknown): Promise<Answer> {
  if (!hash) return unauthorized('tasks.get');
  const input = parseGetTaskInput(rawInput);
  const result = await getTask(pool, hash, input.id);
  if (!result.user) return unauthorized('tasks.get');
  const row = result.task;
  if (!row) return errorBody('NOT_FOUND', 'Task not found', 'tasks.get');
  const dates = new DateMeta();
  const task = taskOf(row, row.project_key, dates, '');
  const { comments, commentsCursor } = commentsPageOf(
    row.comments,
    row.title.length + (row.description?.length ?? 0),
    dates,
  );
  const json = {
    ...task,
    project: { id: row.project_id, key: row.project_key, name: row.project_name },
    comments,
    commentsCursor,
  };
  return { status: 200, body: successBody(json, dates) };
}

async function tasksList(hash: string | null, rawInput: unknown): Promise<Answer> {
  if (!hash) return unauthorized('tasks.list');
  const input = parseListTasksInput(rawInput);
  const before = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  const result = await listTasks(pool, hash, input, before);
  if (!result.user) return unauthorized('tasks.list');
  if (!result.project) return errorBody('NOT_FOUND', 'Project not found', 'tasks.list');
  const { rows } = result;
  const kept = itemsWithinTextBudget(
    rows.slice(0, input.limit),
    (row) => row.title.length + (row.description?.length ?? 0),
  );
  const page = rows.slice(0, kept);
  const dates = new DateMeta();
  const items = page.map((row, index) => ({
    ...taskOf(row, result.project.key, dates, `items.${index}.`),
    commentCount: row.comment_count,
  }));
  const last = page.at(-1);
  const nextCursor = rows.length > kept && last ? encodeTaskCursor(last.number) : null;
  return { status: 200, body: successBody({ items, nextCursor }, dates) };
}

async function answer(request: IncomingMessage): Promise<Answer> {
  const url = new URL(request.url ?? '/', 'http://baseline');
  const path = url.pathname.startsWith('/trpc/') ? url.pathname.slice('/trpc/'.length) : '';
  const handler =
    path === 'auth.me'
      ? 'me'
      : path === 'tasks.get'
        ? 'get'
        : path === 'tasks.list'
          ? 'list'
          : null;
  if (!handler) return errorBody('NOT_FOUND', `No procedure found on path "${path}"`, path);
  if (request.method !== 'GET') {
    return errorBody('METHOD_NOT_SUPPORTED', `Unsupported ${request.method} method`, path);
  }
  const hash = tokenHashOf(request);
  try {
    if (handler === 'me') return await authMe(hash);
    const input = readQueryInput(url.searchParams);
    return handler === 'get' ? await tasksGet(hash, input) : await tasksList(hash, input);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    // Trellis checks the token before the input: an anonymous caller hears UNAUTHORIZED.
    if (!hash || !(await findUser(pool, hash))) return unauthorized(path);
    return errorBody('BAD_REQUEST', error.message, path, error.issues);
  }
}

function respond(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

const server = createServer((request, response) => {
  answer(request).then(
    (result) => respond(response, result.status, result.body),
    () => {
      const failure = errorBody('INTERNAL_SERVER_ERROR', 'Internal server error', '');
      respond(response, failure.status, failure.body);
    },
  );
});
server.keepAliveTimeout = 72_000;

server.listen(settings.port, settings.host, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  announceReady(settings.host, port, async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await connections.end();
  });
});

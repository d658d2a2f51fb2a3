import { randomUUID } from 'node:crypto';
import { withAdminClient } from '@trellis/db/testing';
import superjson from 'superjson';
import { expect } from 'vitest';

/** The outcome of one HTTP call to a procedure, as a client sees it. */
export interface CallResult<T = unknown> {
  /** HTTP status; 0 when no response arrived (aborted, refused, reset, client deadline). */
  status: number;
  /** 'OK', the tRPC error code, or for no response: 'ABORTED', 'CLIENT_TIMEOUT', 'NETWORK'. */
  code: string;
  /** The socket error code (ECONNREFUSED, ...) when code is 'NETWORK'. */
  networkError?: string;
  /** When it was sent and answered (performance.now()). */
  startedAt: number;
  endedAt: number;
  ms: number;
  data?: T;
}

export interface CallOptions {
  token?: string;
  signal?: AbortSignal;
  /** The client's own deadline: past it the call counts as hung (CLIENT_TIMEOUT). */
  clientTimeoutMs?: number;
}

interface ErrorEnvelope {
  error?: { json?: { data?: { code?: string } }; code?: unknown };
  result?: { data?: unknown };
}

function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : 'unknown';
}

/**
 * Calls one procedure over HTTP the way @trpc/client's httpLink does (superjson envelope, GET
 * for queries, POST for mutations) and reports status, code and latency instead of throwing.
 */
export async function call<T = unknown>(
  origin: string,
  procedure: string,
  type: 'query' | 'mutation',
  input: unknown,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  // The client's own deadline and the caller's signal, both aborting one controller (cheaper
  // than AbortSignal.timeout/any, whose timers outlive the call).
  const controller = new AbortController();
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.clientTimeoutMs ?? 30_000);
  const forward = () => controller.abort();
  options.signal?.addEventListener('abort', forward, { once: true });
  const signal = controller.signal;
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const serialized = JSON.stringify(superjson.serialize(input));
  let url = `${origin}/trpc/${procedure}`;
  let init: RequestInit;
  if (type === 'query') {
    url += `?input=${encodeURIComponent(serialized)}`;
    init = { method: 'GET', headers, signal };
  } else {
    headers['content-type'] = 'application/json';
    init = { method: 'POST', headers, body: serialized, signal };
  }

  const startedAt = performance.now();
  const done = (result: Omit<CallResult<T>, 'startedAt' | 'endedAt' | 'ms'>): CallResult<T> => {
    const endedAt = performance.now();
    return { ...result, startedAt, endedAt, ms: endedAt - startedAt };
  };
  try {
    const response = await fetch(url, init);
    const text = await response.text();
    let body: ErrorEnvelope | undefined;
    try {
      body = JSON.parse(text) as ErrorEnvelope;
    } catch {
      body = undefined;
    }
    if (response.ok && body?.result) {
      return done({
        status: response.status,
        code: 'OK',
        data: superjson.deserialize(body.result.data as never),
      });
    }
    const code =
      body?.error?.json?.data?.code ??
      (typeof body?.error?.code === 'string' ? body.error.code : `HTTP_${response.status}`);
    return done({ status: response.status, code });
  } catch (error) {
    if (timedOut) return done({ status: 0, code: 'CLIENT_TIMEOUT' });
    if (options.signal?.aborted) return done({ status: 0, code: 'ABORTED' });
    return done({ status: 0, code: 'NETWORK', networkError: networkCode(error) });
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', forward);
  }
}

/** Calls that must succeed (setup): the data, or an error naming the outcome. */
export async function must<T>(result: Promise<CallResult<T>>): Promise<T> {
  const outcome = await result;
  if (outcome.code !== 'OK') {
    throw new Error(
      `expected OK, got ${outcome.code} (HTTP ${outcome.status}${outcome.networkError ? `, ${outcome.networkError}` : ''})`,
    );
  }
  return outcome.data as T;
}

export interface World {
  email: string;
  password: string;
  token: string;
  userId: string;
  workspaceId: string;
  projectId: string;
}

/** A user, a workspace and a project, made through the API. */
export async function createWorld(origin: string, key = 'LOAD'): Promise<World> {
  const email = `owner-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'a long password';
  const auth = await must(
    call<{ token: string; user: { id: string } }>(origin, 'auth.signUp', 'mutation', {
      email,
      password,
      name: 'Owner',
    }),
  );
  const workspace = await must(
    call<{ id: string }>(
      origin,
      'workspaces.create',
      'mutation',
      { name: 'Faults', slug: `faults-${randomUUID().slice(0, 8)}` },
      { token: auth.token },
    ),
  );
  const project = await must(
    call<{ id: string }>(
      origin,
      'projects.create',
      'mutation',
      { workspaceId: workspace.id, key, name: 'Load' },
      { token: auth.token },
    ),
  );
  return {
    email,
    password,
    token: auth.token,
    userId: auth.user.id,
    workspaceId: workspace.id,
    projectId: project.id,
  };
}

export const createTask = (
  origin: string,
  world: World,
  title: string,
  options: CallOptions = {},
) =>
  call<{ id: string; number: number }>(
    origin,
    'tasks.create',
    'mutation',
    { projectId: world.projectId, title },
    { token: world.token, ...options },
  );

export const listTasks = (origin: string, world: World, options: CallOptions = {}) =>
  call<{ items: unknown[] }>(
    origin,
    'tasks.list',
    'query',
    { projectId: world.projectId, limit: 20 },
    { token: world.token, ...options },
  );

/** Runs `count` calls with at most `width` in flight; results in call order. */
export async function inFlight<T>(
  count: number,
  width: number,
  fn: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await fn(index);
      }
    }),
  );
  return results;
}

/**
 * `loops` concurrent loops calling `fn` until `until()` says stop; bounded whatever happens
 * (a failed test never leaves them running): at most `maxCallsPerLoop` calls each, and none
 * started after `maxDurationMs`.
 */
export async function loadLoops<T>(
  loops: number,
  until: () => boolean,
  fn: (loop: number, iteration: number) => Promise<T>,
  { maxCallsPerLoop = 5_000, maxDurationMs = 30_000 } = {},
): Promise<T[]> {
  const results: T[] = [];
  const deadline = performance.now() + maxDurationMs;
  await Promise.all(
    Array.from({ length: loops }, async (_, loop) => {
      for (
        let iteration = 0;
        iteration < maxCallsPerLoop && !until() && performance.now() < deadline;
        iteration += 1
      ) {
        results.push(await fn(loop, iteration));
      }
    }),
  );
  return results;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; the last result. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))
  ]!;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Rows of one statement, run on a short-lived admin connection (application 'trellis-test-admin'). */
export async function queryRows<T>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const rows = await withAdminClient(databaseUrl, async (client): Promise<unknown> => {
    const result = await client.query(sql, params);
    return result.rows;
  });
  return rows as T[];
}

/** The API process's connections to this database, by state (pg_stat_activity). */
export async function connectionsByState(
  databaseUrl: string,
  applicationName: string,
): Promise<Record<string, number>> {
  const rows = await queryRows<{ state: string; count: number }>(
    databaseUrl,
    `select coalesce(state, 'unknown') as state, count(*)::int as count
       from pg_stat_activity
      where datname = current_database() and application_name = $1
      group by 1`,
    [applicationName],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.count]));
}

/** Connections doing work or holding a transaction open (anything but idle in the pool). */
export function busyConnections(states: Record<string, number>): number {
  return Object.entries(states)
    .filter(([state]) => state !== 'idle')
    .reduce((sum, [, count]) => sum + count, 0);
}

/** The METRICS_TOKEN every API process of the fault tests runs with (api-process.ts). */
export const FAULTS_METRICS_TOKEN = 'faults-metrics-token-0123456789';

/** One sample of a Prometheus metric (first line matching name and labels), or undefined. */
export async function readMetric(
  origin: string,
  name: string,
  labels = '',
): Promise<number | undefined> {
  const response = await fetch(`${origin}/metrics`, {
    headers: { authorization: `Bearer ${FAULTS_METRICS_TOKEN}` },
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  const prefix = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

/** Task numbers of a project, checked to be exactly 1..n; and tasks missing their task.created entry. */
export async function checkProjectIntegrity(
  databaseUrl: string,
  projectId: string,
): Promise<{ numbers: number[]; lastTaskNumber: number; withoutActivity: number }> {
  const numbers = await queryRows<{ number: number }>(
    databaseUrl,
    'select number from tasks where project_id = $1 order by number',
    [projectId],
  );
  const [project] = await queryRows<{ last_task_number: number }>(
    databaseUrl,
    'select last_task_number from projects where id = $1',
    [projectId],
  );
  const [orphans] = await queryRows<{ count: number }>(
    databaseUrl,
    `select count(*)::int as count from tasks t
      where t.project_id = $1
        and not exists (select 1 from activity a where a.task_id = t.id and a.kind = 'task.created')`,
    [projectId],
  );
  return {
    numbers: numbers.map((row) => row.number),
    lastTaskNumber: project!.last_task_number,
    withoutActivity: orphans!.count,
  };
}

/**
 * Asserts the project came through whole: task numbers exactly 1..n, none handed out and left
 * unused, every task with its task.created entry (nothing half-applied). Returns the numbers.
 */
export async function expectProjectIntact(
  databaseUrl: string,
  projectId: string,
): Promise<number[]> {
  const integrity = await checkProjectIntegrity(databaseUrl, projectId);
  expect(integrity.numbers).toEqual(oneTo(integrity.numbers.length));
  expect(integrity.lastTaskNumber).toBe(integrity.numbers.length);
  expect(integrity.withoutActivity).toBe(0);
  return integrity.numbers;
}

/** Asserts the API process logged no unexpected failure (an INTERNAL_SERVER_ERROR). */
export function expectNoUnexpectedFailures(api: {
  problems: ReadonlyArray<{ msg?: unknown }>;
}): void {
  expect(api.problems.filter((line) => line.msg === 'procedure failed unexpectedly')).toEqual([]);
}

/** [1, 2, ..., n] */
export const oneTo = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

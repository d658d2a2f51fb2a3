import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { trpcErrorBody } from '../src/http/trpc-error-response';
import { createWorld } from './fixtures';
import { failureOf, fetchMetrics, useApi } from './harness';

const REQUEST_TIMEOUT_MS = 1_000;
const api = useApi(
  { BODY_LIMIT_BYTES: 4_096, MAX_BATCH_SIZE: 3, REQUEST_TIMEOUT_MS },
  {
    database: { statementTimeoutMs: 12_345, idleInTransactionTimeoutMs: 23_456 },
    captureLogs: true,
  },
);

/** A request with a method fetch refuses to send (TRACE), over a plain socket. */
function rawRequest(url: string, method: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

async function post(path: string, body: string, token?: string) {
  const response = await fetch(`${api.url}/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  return { status: response.status, text: await response.text() };
}

describe('request limits', () => {
  it('a body over BODY_LIMIT_BYTES is 413, and one under it is served', async () => {
    const world = await createWorld(api, 'BODY');
    const input = (description: string) =>
      JSON.stringify({ json: { projectId: world.project.id, title: 'sized', description } });
    const tooBig = await post('tasks.create', input('x'.repeat(5_000)), world.owner.token);
    expect(tooBig.status).toBe(413);
    expect(tooBig.text).not.toMatch(/stack|\.ts:|node_modules/);
    const fits = await post('tasks.create', input('x'.repeat(500)), world.owner.token);
    expect(fits.status, fits.text).toBe(200);
    const page = await world.owner.client.tasks.list.query({ projectId: world.project.id });
    expect(page.items).toHaveLength(1);
  });

  it('a batch larger than MAX_BATCH_SIZE is refused with 400; one of MAX_BATCH_SIZE is served', async () => {
    const batch = async (size: number) => {
      const procedures = Array.from({ length: size }, () => 'auth.me').join(',');
      const response = await fetch(
        `${api.url}/${procedures}?batch=1&input=${encodeURIComponent('{}')}`,
      );
      return { status: response.status, body: await response.json() };
    };
    const over = await batch(4);
    expect(over.status).toBe(400);
    expect(JSON.stringify(over.body)).toMatch(/batch/i);
    const within = await batch(3);
    expect(within.status).toBe(401);
    expect(within.body).toHaveLength(3);
  });

  it('an error answered before tRPC (TRACE, load shedding) never grows with the URL', async () => {
    // Once: a 5 KB TRACE URL of commas got one error entry per comma, a 609 KB body.
    const commas = `${api.url}/${'auth.me,'.repeat(600)}auth.me?batch=1`;
    expect(commas.length).toBeGreaterThan(4_800); // the path parameter's limit is 5,000
    const trace = await rawRequest(commas, 'TRACE');
    expect(trace.status).toBe(405);
    const { body } = trace;
    expect(body.length).toBeLessThan(1_024);
    expect(JSON.parse(body)).toEqual({
      error: expect.objectContaining({
        json: expect.objectContaining({ data: { code: 'METHOD_NOT_SUPPORTED', httpStatus: 405 } }),
      }),
    });
    // Percent-encoded separators and a malformed escape change nothing (and are no 500).
    for (const path of ['auth.me%2C'.repeat(400), 'auth.me%E0,'.repeat(400)]) {
      const answer = await rawRequest(`${api.url}/${path}auth.me?batch=1`, 'TRACE');
      expect([400, 405]).toContain(answer.status); // Fastify refuses the malformed escape itself
      expect(answer.body).not.toContain('auth.me');
      expect(answer.body.length).toBeLessThan(1_024);
    }
    // A path past the router's limit: 414, and a body that does not quote it.
    const tooLong = await rawRequest(`${api.url}/${'auth.me,'.repeat(700)}?batch=1`, 'GET');
    expect(tooLong.status).toBe(414);
    expect(tooLong.body.length).toBeLessThan(1_024);
    // A batch within MAX_BATCH_SIZE still gets one entry per call, as typed clients expect.
    const small = await rawRequest(`${api.url}/auth.me,auth.me,auth.me?batch=1`, 'TRACE');
    expect((JSON.parse(small.body) as unknown[]).length).toBe(3);
    // The shedding answer is built by the same function with the same cap.
    const shed = trpcErrorBody(commas.slice(api.origin.length), 'SERVICE_UNAVAILABLE', 503, 'x', 3);
    expect(Array.isArray(shed)).toBe(false);
    // Normal calls are served meanwhile.
    expect((await failureOf(api.client().auth.me.query())).code).toBe('UNAUTHORIZED');
  });

  it('a procedure running past REQUEST_TIMEOUT_MS is rolled back, its connection freed, and the client gets TIMEOUT', async () => {
    const world = await createWorld(api, 'SLOW');
    const admin = api.database.openAsOwner(); // SHARE locks need more than the runtime role's rights
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Inserts into activity wait behind this lock: tasks.create writes its task row and label
    // links, then blocks on its activity row.
    const holder = admin.transaction(
      async (session) => {
        await session.raw('lock table activity in share mode');
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      },
      { timeoutMs: 20_000 },
    );
    await isLocked;
    const waitingOnLocks = async () =>
      (
        await admin.read((session) =>
          session.raw<{ rows: Array<{ count: number }> }>(
            "select count(*)::int as count from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
          ),
        )
      ).rows[0]?.count;
    try {
      const started = performance.now();
      const call = failureOf(
        world.owner.client.tasks.create.mutate({
          projectId: world.project.id,
          title: 'too slow',
          labelIds: [world.label.id],
        }),
      );
      // The API's statement is blocked on the server, with its task row already inserted.
      await expect.poll(waitingOnLocks, { timeout: REQUEST_TIMEOUT_MS / 2 }).toBe(1);
      const failure = await call;
      const elapsed = performance.now() - started;
      expect(failure.code).toBe('TIMEOUT');
      expect(failure.data.httpStatus).toBe(408);
      expect(failure.message).toBe('The request took too long');
      expect(elapsed).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(REQUEST_TIMEOUT_MS + 5_000); // well before lock_timeout (5 s) plus slack

      // Freed at once: no connection lent, and nothing of ours still waits on the server.
      expect(api.db.poolStats().used).toBe(0);
      expect(await waitingOnLocks()).toBe(0);
    } finally {
      release();
      await holder;
    }

    // Nothing was written: no task, no label link, no activity, no task number consumed.
    const page = await world.owner.client.tasks.list.query({ projectId: world.project.id });
    expect(page.items).toEqual([]);
    const links = await api.db.knex('task_labels').count<Array<{ count: string }>>({ count: '*' });
    expect(Number(links[0]?.count)).toBe(0);
    const next = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'in time',
    });
    expect(next.number).toBe(1);
    // The leak guard said what it did, with the stack that opened the transaction.
    expect(api.logLines().join('')).toContain(
      'transaction held past its deadline: rolling it back and releasing its connection',
    );
    const metrics = await (await fetchMetrics(api.origin)).text();
    expect(metrics).toMatch(/^trellis_db_transactions_total\{outcome="timed_out"\} [1-9]/m);
  });

  it('statement, lock and idle-in-transaction timeouts are set per transaction, with SET LOCAL', async () => {
    const settings = async (timeoutMs?: number) =>
      api.db.transaction(
        async (session) => {
          const read = async (name: string) =>
            (await session.raw<{ rows: Array<Record<string, string>> }>(`show ${name}`)).rows[0]?.[
              name
            ];
          return {
            statement: await read('statement_timeout'),
            lock: await read('lock_timeout'),
            idle: await read('idle_in_transaction_session_timeout'),
          };
        },
        timeoutMs === undefined ? {} : { timeoutMs },
      );
    expect(await settings()).toEqual({ statement: '12345ms', lock: '5s', idle: '23456ms' });
    // A procedure's transaction: the statement timeout is capped by REQUEST_TIMEOUT_MS.
    expect(await settings(REQUEST_TIMEOUT_MS)).toEqual({
      statement: '1s',
      lock: '5s',
      idle: '23456ms',
    });

    // SET LOCAL: after the transaction the same connection is back to the server's defaults.
    const single = api.database.open({
      pool: { max: 1 },
      statementTimeoutMs: 12_345,
      idleInTransactionTimeoutMs: 23_456,
    });
    const serverDefault = (
      await single.knex.raw<{ rows: Array<{ statement_timeout: string }> }>(
        'show statement_timeout',
      )
    ).rows[0]?.statement_timeout;
    expect(serverDefault).not.toBe('12345ms');
    const inside = await single.transaction(
      async (session) =>
        (
          await session.raw<{ rows: Array<{ statement_timeout: string }> }>(
            'show statement_timeout',
          )
        ).rows[0]?.statement_timeout,
    );
    expect(inside).toBe('12345ms');
    const after = await single.knex.raw<{
      rows: Array<{ statement_timeout: string; idle_in_transaction_session_timeout: string }>;
    }>(
      'select current_setting(?) as statement_timeout, current_setting(?) as idle_in_transaction_session_timeout',
      ['statement_timeout', 'idle_in_transaction_session_timeout'],
    );
    expect(after.rows[0]?.statement_timeout).toBe(serverDefault);
    expect(after.rows[0]?.idle_in_transaction_session_timeout).not.toBe('23456ms');
    expect(single.poolStats().size).toBe(1); // the very same connection
    await single.close();
  });
});

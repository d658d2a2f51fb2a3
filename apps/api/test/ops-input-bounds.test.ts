import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../src/http/input-limits';
import { createUser, createWorld } from './fixtures';
import { codeOf, useApi } from './harness';

// Event-loop lag shedding on (generous threshold): a hostile body that stalled the loop would
// show up as 503s for the normal calls running beside it.
const api = useApi({ SHED_EVENT_LOOP_DELAY_MS: 1_000 });
const PASSWORD = 'a long password';

interface Answer {
  status: number;
  text: string;
}

async function post(path: string, body: string, token?: string): Promise<Answer> {
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

/** A POST whose body is sent chunked, without Content-Length. */
function postChunked(path: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${api.url}/${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      // The server may answer 413 and close before the whole body is written.
      error.code === 'EPIPE' || error.code === 'ECONNRESET'
        ? resolve({ status: 413, text: '' })
        : reject(error),
    );
    for (let offset = 0; offset < body.length; offset += 4_096)
      request.write(body.slice(offset, offset + 4_096));
    request.end();
  });
}

const codeIn = (answer: Answer) =>
  (JSON.parse(answer.text) as { error: { json: { data: { code: string } } } }).error.json.data.code;

/** Normal calls made while `hostile` runs: each must be answered, none with 503. */
async function normalCallsDuring(hostile: Promise<unknown>): Promise<string[]> {
  const user = await createUser(api, 'bystander');
  const codes: string[] = [];
  let done = false;
  const normal = (async () => {
    while (!done || codes.length < 5) codes.push(await codeOf(user.client.workspaces.list.query()));
  })();
  await hostile;
  done = true;
  await normal;
  return codes;
}

describe('inputs are bounded before they are parsed or transformed', () => {
  it('procedures with small inputs take bodies up to SMALL_BODY_LIMIT_BYTES only: 413 at once, even chunked', async () => {
    const email = 'small-body@example.com';
    await api.client().auth.signUp.mutate({ email, password: PASSWORD, name: 'S' });
    const padded = JSON.stringify({ json: { email, password: PASSWORD, pad: 'x'.repeat(20_000) } });
    expect(padded.length).toBeGreaterThan(api.config.SMALL_BODY_LIMIT_BYTES);
    expect((await post('auth.signIn', padded)).status).toBe(413);
    expect((await postChunked('auth.signIn', padded)).status).toBe(413);
    // A batch of small procedures is held to the same limit.
    expect((await post('auth.signIn,auth.signIn?batch=1', padded)).status).toBe(413);
    // 0.8 MB of nesting (the original attack) is refused by size, before any parsing.
    const nested = `{"json":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
    const codes = await normalCallsDuring(
      Promise.all(
        Array.from({ length: 5 }, async () =>
          expect((await post('auth.signIn', nested)).status).toBe(413),
        ),
      ),
    );
    expect(codes.every((code) => code === 'OK')).toBe(true);

    // The same procedure with a normal body is served.
    const signedIn = await api.client().auth.signIn.mutate({ email, password: PASSWORD });
    expect(signedIn.user.email).toBe(email);
  });

  it('a request without a body (every GET query) is not given a stream to count it', async () => {
    const user = await createUser(api, 'no-body');
    const pipe = vi.spyOn(Readable.prototype, 'pipe');
    try {
      const answer = await fetch(`${api.url}/auth.me`, {
        headers: { authorization: `Bearer ${user.token}` },
      });
      expect(answer.status).toBe(200);
      expect(pipe).not.toHaveBeenCalled();
    } finally {
      pipe.mockRestore();
    }
  });

  it('procedures with large inputs keep BODY_LIMIT_BYTES: a 20,000-character description is accepted', async () => {
    const world = await createWorld(api, 'BIG');
    const description = 'd'.repeat(20_000);
    const task = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'big',
      description,
    });
    expect(task.description).toHaveLength(20_000);
  });

  it('nesting deeper than MAX_JSON_DEPTH is BAD_REQUEST before parsing, in a body or a GET input', async () => {
    const world = await createWorld(api, 'DEEP');
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const body = `{"json":{"email":"a@example.com","password":${deep(5_000)}}}`;
    expect(body.length).toBeLessThan(api.config.SMALL_BODY_LIMIT_BYTES);
    const answer = await post('auth.signIn', body);
    expect(answer.status).toBe(400);
    expect(codeIn(answer)).toBe('BAD_REQUEST');
    expect(answer.text).toContain(`deeper than ${MAX_JSON_DEPTH} levels`);

    // A large-input procedure: 200 KB of nesting in a description is refused the same way.
    const large = await post(
      'tasks.create',
      `{"json":{"projectId":"${world.project.id}","title":"t","description":${deep(100_000)}}}`,
      world.owner.token,
    );
    expect(large.status).toBe(400);

    const get = await fetch(
      `${api.url}/tasks.list?input=${encodeURIComponent(`{"json":{"projectId":${deep(2_000)}}}`)}`,
      { headers: { authorization: `Bearer ${world.owner.token}` } },
    );
    expect(get.status).toBe(400);

    // Brackets inside strings are text, not nesting: such a title is stored.
    const bracketed = '['.repeat(100);
    const task = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: bracketed,
    });
    expect(task.title).toBe(bracketed);
    expect(jsonDepthExceeds(JSON.stringify({ a: '\\"[[[[' }), 1)).toBe(false);
    expect(jsonDepthExceeds('[[[]]]', 2)).toBe(true);
  });

  it('superjson meta may only mark Date and undefined: bigint, sets, maps and classes are BAD_REQUEST', async () => {
    const world = await createWorld(api, 'META');
    const hostile = [
      {
        json: { email: '9'.repeat(10_000), password: 'x' },
        meta: { values: { email: ['bigint'] } },
      },
      { json: { email: [1, 2], password: 'x' }, meta: { values: { email: ['set'] } } },
      { json: { email: [[1, 2]], password: 'x' }, meta: { values: { email: ['map'] } } },
      { json: { email: 'x', password: 'x' }, meta: { values: { email: [['custom', 'Evil']] } } },
      { json: '1', meta: { values: ['bigint'] } },
      { json: {}, meta: 'nonsense' },
    ];
    const codes = await normalCallsDuring(
      Promise.all(
        hostile.map(async (body) => {
          const answer = await post('auth.signIn', JSON.stringify(body));
          expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
          expect(codeIn(answer)).toBe('BAD_REQUEST');
          // Refused by the transformer itself, not later by the input schema.
          expect(answer.text).toContain('serialized type this API does not accept');
        }),
      ),
    );
    expect(codes.every((code) => code === 'OK')).toBe(true);

    // Dates (and undefined fields) still travel: a due date round-trips through the typed client.
    const dueDate = new Date('2031-05-06T07:08:09.000Z');
    const task = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'dated',
      dueDate,
      description: undefined,
    });
    expect(task.dueDate).toEqual(dueDate);
    // An object referenced twice (superjson's referentialEqualities) is dropped, not applied:
    // applied, it would copy projectId into cursor and fail as an invalid cursor.
    const shared = await fetch(
      `${api.url}/tasks.list?input=${encodeURIComponent(
        JSON.stringify({
          json: { projectId: world.project.id },
          meta: { referentialEqualities: { projectId: ['cursor'] }, v: 1 },
        }),
      )}`,
      { headers: { authorization: `Bearer ${world.owner.token}` } },
    );
    expect(shared.status).toBe(200);
  });
});

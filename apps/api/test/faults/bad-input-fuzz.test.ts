import net from 'node:net';
import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess } from './api-process';
import {
  call,
  countBy,
  createWorld,
  expectNoUnexpectedFailures,
  inFlight,
  listTasks,
  readMetric,
  seededRandom,
  type World,
} from './load';

/** The API's smallest body limit (SMALL_BODY_LIMIT_BYTES, for procedures with small inputs). */
const SMALLEST_BODY_LIMIT_BYTES = 16 * 1024;
const SEED = 20_261_125;
const REQUESTS = 2_400;
const BODY_LIMIT = 1_048_576;

const database = useTestDatabase();
afterAll(killApiProcesses);

interface RawRequest {
  category: string;
  /** The request's bytes, exactly as sent (head and body). */
  bytes: Buffer;
}

interface RawAnswer {
  category: string;
  /** The status of the first response, or 0 when the server closed without answering. */
  status: number;
  /** 'reset' (closed without a response), 'timeout' (no answer within the deadline). */
  failure?: 'reset' | 'timeout';
}

/**
 * Sends raw bytes on a fresh connection and reads the first response's status line. The
 * connection is half-closed only after `patienceMs` without an answer (bytes that never form
 * a complete request): Node's HTTP server treats a client's FIN as an abort.
 */
function sendRaw(
  port: number,
  request: RawRequest,
  patienceMs = 2_000,
  timeoutMs = 10_000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let received = '';
    let settled = false;
    const finish = (answer: Omit<RawAnswer, 'category'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(patience);
      socket.destroy();
      resolve({ category: request.category, ...answer });
    };
    const statusOf = () => /^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1];
    const timer = setTimeout(() => finish({ status: 0, failure: 'timeout' }), timeoutMs);
    const patience = setTimeout(() => socket.end(), patienceMs);
    socket.on('connect', () => {
      socket.write(request.bytes);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const status = statusOf();
      if (status) finish({ status: Number(status) });
    });
    const closed = () => {
      const status = statusOf();
      finish(status ? { status: Number(status) } : { status: 0, failure: 'reset' });
    };
    socket.on('error', closed);
    socket.on('close', closed);
  });
}

function head(
  method: string,
  target: string,
  headers: Array<[string, string | Buffer]>,
  body?: Buffer,
): Buffer {
  const lines: Buffer[] = [Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n`)];
  for (const [name, value] of headers) {
    lines.push(Buffer.concat([Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n')]));
  }
  if (body && !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name))) {
    lines.push(Buffer.from(`Content-Length: ${body.length}\r\n`));
  }
  lines.push(Buffer.from('Connection: close\r\n\r\n'));
  if (body) lines.push(body);
  return Buffer.concat(lines);
}

/** Builds one malformed request per call, all decided by the seeded PRNG. */
function fuzzer(seed: number, world: World) {
  const random = seededRandom(seed);
  const int = (max: number) => Math.floor(random() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const bytes = (length: number) => Buffer.from(Array.from({ length }, () => int(256)));
  const procedures = ['tasks.create', 'tasks.list', 'tasks.get', 'auth.me', 'auth.signIn'];
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));
  const auth = (): Array<[string, string]> =>
    random() < 0.6 ? [['Authorization', `Bearer ${world.token}`]] : [];
  const post = (procedure: string, body: Buffer, extra: Array<[string, string | Buffer]> = []) =>
    head(
      'POST',
      `/trpc/${procedure}`,
      [['Content-Type', 'application/json'], ...auth(), ...extra],
      body,
    );
  const query = (procedure: string, input: string) =>
    head('GET', `/trpc/${procedure}?input=${input}`, auth());

  const generators: Record<string, () => Buffer> = {
    'wrong method': () =>
      head(
        pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'FOO', 'get']),
        `/trpc/${pick(procedures)}`,
        auth(),
        random() < 0.5 ? json({ json: { projectId: world.projectId } }) : undefined,
      ),
    'query sent as mutation or mutation as query': () =>
      random() < 0.5
        ? post('tasks.list', json({ json: { projectId: world.projectId } }))
        : query('tasks.create', encodeURIComponent(JSON.stringify({ json: { title: 'x' } }))),
    'broken JSON': () => {
      const valid = JSON.stringify({ json: { projectId: world.projectId, title: 'broken' } });
      return post(
        pick(procedures),
        pick([
          () => Buffer.from(valid.slice(0, int(valid.length))),
          () => Buffer.from(`${valid}}}`),
          () => Buffer.from(valid.replace(/"/g, "'")),
          () => bytes(1 + int(200)),
          () => Buffer.from('{"json": NaN, "json": Infinity}'),
          () => Buffer.from(''),
          () => Buffer.from('null'),
          () => Buffer.from('[1,2,3]'),
          () => Buffer.from('{"json":{"title":"x"}'.repeat(1 + int(50))),
        ])(),
        random() < 0.3
          ? [
              [
                'Content-Type',
                pick([
                  'text/plain',
                  'application/xml',
                  'multipart/form-data; boundary=x',
                  'application/json; charset=utf-7',
                ]),
              ],
            ]
          : [],
      );
    },
    'wrong superjson envelope': () =>
      post(
        pick(procedures),
        json(
          pick([
            { projectId: world.projectId, title: 'no envelope' },
            {
              json: { projectId: world.projectId, title: 'x' },
              meta: { values: { title: ['Date'] } },
            },
            {
              json: { projectId: world.projectId, title: 'x' },
              meta: { values: { nope: ['bigint'] } },
            },
            {
              json: { projectId: world.projectId, dueDate: 'not a date' },
              meta: { values: { dueDate: ['Date'] } },
            },
            { json: { title: 1e308 }, meta: { values: { title: ['bigint'] } } },
            { json: { title: 'x' }, meta: { values: { title: [['custom', 'unknown']] } } },
            { json: { title: 'x' }, meta: { values: 'not an object' } },
            { json: { a: {} }, meta: { referentialEqualities: { a: ['__proto__.polluted'] } } },
            { json: { a: 1 }, meta: { values: { '__proto__.polluted': ['set'] } } },
            { json: { a: 1 }, meta: { values: { 'constructor.prototype.polluted': ['map'] } } },
            { json: [1, 2], meta: { values: { '0': ['regexp'] } } },
            { json: 'x', meta: { values: ['class'] } },
            { json: { projectId: world.projectId, title: 'x', extra: true } },
            { json: { projectId: 42, title: ['x'] } },
            { meta: {} },
          ]),
        ),
      ),
    'huge body': () => {
      const size = BODY_LIMIT - 2_048 + int(64 * 1_024);
      const prefix = `{"json":{"projectId":"${world.projectId}","title":"`;
      return post(
        'tasks.create',
        Buffer.from(`${prefix}${'x'.repeat(Math.max(0, size - prefix.length - 4))}"}}`),
      );
    },
    'deep nesting': () => {
      const depth = pick([64, 1_000, 10_000, 100_000]);
      const value =
        random() < 0.5
          ? `${'['.repeat(depth)}${']'.repeat(depth)}`
          : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      return random() < 0.7
        ? post(pick(procedures), Buffer.from(`{"json":${value}}`))
        : query(pick(procedures), encodeURIComponent(`{"json":${value.slice(0, 2_000)}}`));
    },
    'invalid unicode': () =>
      pick([
        () =>
          post(
            'tasks.create',
            Buffer.from(`{"json":{"projectId":"${world.projectId}","title":"\\ud800 lone"}}`),
          ),
        () =>
          post(
            'tasks.create',
            Buffer.from(`{"json":{"projectId":"${world.projectId}","title":"\\udfff\\ud800"}}`),
          ),
        () =>
          post(
            'tasks.create',
            Buffer.concat([
              Buffer.from(`{"json":{"projectId":"${world.projectId}","title":"`),
              Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]),
              Buffer.from('"}}'),
            ]),
          ),
        () => query('tasks.list', `%7B%22json%22%3A%7B%22projectId%22%3A%22%ED%A0%80%22%7D%7D`),
        () => query('tasks.list', `%FF%FE%C3%28`),
        () => query(`tasks.%ED%A0%80`, '%7B%7D'),
        () => head('GET', `/trpc/${Buffer.from([0xc3, 0x28]).toString('latin1')}`, auth()),
        () =>
          post(
            'auth.signIn',
            Buffer.from('{"json":{"email":"\\ud800@example.com","password":"\\udc00"}}'),
          ),
      ])(),
    'unknown procedure': () =>
      head(
        random() < 0.5 ? 'GET' : 'POST',
        `/trpc/${pick(['nope', 'tasks.nope', '__proto__', 'constructor', 'toString', 'tasks.create.extra', 'tasks..create', '.', '%2e%2e%2fetc', 'a'.repeat(6_000), 'tasks.create%00', '_def.procedures'])}`,
        [['Content-Type', 'application/json'], ...auth()],
        json({ json: {} }),
      ),
    'big batch': () => {
      const size = 100 + int(500);
      const names = Array.from({ length: size }, () => pick(['auth.me', 'tasks.list', 'x']));
      const inputs = Object.fromEntries(
        names.map((_, index) => [String(index), { json: { projectId: world.projectId } }]),
      );
      return random() < 0.5
        ? head(
            'POST',
            `/trpc/${names.join(',')}?batch=1`,
            [['Content-Type', 'application/json'], ...auth()],
            json(inputs),
          )
        : head(
            'GET',
            `/trpc/${names.slice(0, 150).join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`,
            auth(),
          );
    },
    'garbage headers': () =>
      pick([
        () =>
          head('GET', '/trpc/auth.me', [
            ['Authorization', Buffer.from([0x01, 0x7f, 0xff, 0x0a, 0x41])],
          ]),
        () =>
          head(
            'POST',
            '/trpc/tasks.create',
            [
              ['Content-Length', '5'],
              ['Content-Length', '7'],
            ],
            Buffer.from('{"json":1}'),
          ),
        () =>
          head(
            'POST',
            '/trpc/tasks.create',
            [
              ['Transfer-Encoding', 'chunked'],
              ['Content-Length', '3'],
            ],
            Buffer.from('0\r\n\r\n'),
          ),
        () =>
          head(
            'POST',
            '/trpc/tasks.create',
            [['Transfer-Encoding', 'gzip, chunked']],
            Buffer.from('zz\r\n'),
          ),
        () =>
          head(
            'POST',
            '/trpc/tasks.create',
            [
              ['Content-Encoding', 'gzip'],
              ['Content-Type', 'application/json'],
            ],
            bytes(64),
          ),
        () => head('GET', '/trpc/auth.me', [['X-Huge', 'x'.repeat(20_000 + int(50_000))]]),
        () => head('GET', '/trpc/auth.me', [['Bad Header Name', 'x']]),
        () => head('GET', '/trpc/auth.me', [['X-Forwarded-For', 'not-an-ip, ::::, 999.1.1.1']]),
        () =>
          head(
            'GET',
            '/trpc/auth.me',
            Array.from({ length: 500 }, (_, index) => [`X-H${index}`, 'v'] as [string, string]),
          ),
        () =>
          head(
            'POST',
            '/trpc/tasks.create',
            [
              ['Content-Type', 'application/json'],
              ['Content-Length', '-1'],
            ],
            Buffer.from('{}'),
          ),
        () => Buffer.concat([Buffer.from('GET /trpc/auth.me HTTP/9.9\r\n\r\n')]),
        () => bytes(1 + int(300)),
        () => Buffer.from('\r\n\r\n\r\n'),
      ])(),
    'bad bearer token': () =>
      head(
        'GET',
        `/trpc/${pick(['auth.me', 'tasks.list'])}?input=${encodeURIComponent(JSON.stringify({ json: { projectId: world.projectId } }))}`,
        [
          [
            'Authorization',
            pick([
              'Bearer',
              'Bearer ',
              `Bearer ${'A'.repeat(16)}`,
              `Bearer ${'A'.repeat(257)}`,
              `Bearer ${world.token}x`,
              `Bearer ${world.token.slice(1)}`,
              `bearer ${world.token}`,
              `Basic ${Buffer.from('a:b').toString('base64')}`,
              `Bearer ${'x'.repeat(10_000)}`,
              `Bearer ${world.token} ${world.token}`,
              `Bearer ../../etc/passwd`,
              `Bearer ' or 1=1 --`,
            ]),
          ],
        ],
      ),
  };
  const categories = Object.keys(generators);
  return (): RawRequest => {
    const category = pick(categories);
    return { category, bytes: generators[category]!() };
  };
}

describe('malformed requests', { timeout: 120_000 }, () => {
  it(`${REQUESTS} seeded malformed requests: no 5xx, no crash, memory stays bounded`, async () => {
    const api = await startApiProcess({ name: 'fuzz', databaseUrl: database.url });
    const world = await createWorld(api.origin, 'FUZZ');
    // Warm up first (valid calls, and malformed ones of another seed), so that the baseline is
    // the RSS of a server whose heap has grown to its working size, not a fresh one's.
    await inFlight(200, 10, () => listTasks(api.origin, world));
    const warmUp = fuzzer(SEED + 1, world);
    await inFlight(400, 16, () => sendRaw(api.port, warmUp()));
    const rssBefore = (await readMetric(api.origin, 'process_resident_memory_bytes'))!;

    const next = fuzzer(SEED, world);
    const requests = Array.from({ length: REQUESTS }, next);
    const half = REQUESTS / 2;
    const started = performance.now();
    // In two halves, RSS sampled in between too (for the log: a leak grows in both).
    const answers = await inFlight(half, 16, (index) => sendRaw(api.port, requests[index]!));
    const rssHalfway = (await readMetric(api.origin, 'process_resident_memory_bytes'))!;
    answers.push(
      ...(await inFlight(half, 16, (index) => sendRaw(api.port, requests[half + index]!))),
    );
    const elapsedMs = performance.now() - started;
    const rssAfter = (await readMetric(api.origin, 'process_resident_memory_bytes'))!;
    const byCategory: Record<string, Record<string, number>> = {};
    for (const answer of answers) {
      const bucket = (byCategory[answer.category] ??= {});
      const key = answer.failure ?? String(answer.status);
      bucket[key] = (bucket[key] ?? 0) + 1;
    }

    expect(api.isRunning(), api.tail()).toBe(true);
    const serverErrors = answers
      .map((answer, index) => ({ ...answer, index }))
      .filter((answer) => answer.status >= 500);
    expect(
      serverErrors.slice(0, 5).map((answer) => ({
        category: answer.category,
        status: answer.status,
        request: requests[answer.index]!.bytes.subarray(0, 300).toString('latin1'),
      })),
    ).toEqual([]);
    expect(answers.filter((answer) => answer.failure === 'timeout')).toEqual([]);
    // A connection closed without an answer is acceptable only for a body over the limit
    // (answered 413 while the client still sends: 'huge body', and the deepest 'deep nesting'
    // bodies, which pass the 16 KiB limit of small-input procedures; Node 24 resets those more
    // often than Node 20) or bytes that are not HTTP at all.
    const resets = countBy(
      answers.filter(
        (answer, index) =>
          answer.failure === 'reset' && requests[index]!.bytes.length <= SMALLEST_BODY_LIMIT_BYTES,
      ),
      (answer) => answer.category,
    );
    expect(
      Object.keys(resets).filter((category) => !/^(huge body|garbage headers)$/.test(category)),
    ).toEqual([]);
    expect(new Set(answers.map((answer) => answer.category)).size).toBe(11);

    // Still serving, and memory did not run away.
    const health = await call(api.origin, 'auth.me', 'query', undefined, { token: world.token });
    expect(health.code).toBe('OK');
    const mb = (bytes: number) => bytes / 1_048_576;
    const growthMb = mb(rssAfter - rssBefore);
    const secondHalfMb = mb(rssAfter - rssHalfway);
    // RSS moves by tens of MB with GC timing; 8 rounds of 1,200 plateaued near +50 MB.
    expect(growthMb).toBeLessThan(150);
    expectNoUnexpectedFailures(api);

    console.info(
      `[fuzz] seed ${SEED}: ${REQUESTS} requests in ${Math.round(elapsedMs)} ms, statuses ${JSON.stringify(countBy(answers, (a) => a.failure ?? String(a.status)))}; ` +
        `RSS ${mb(rssBefore).toFixed(0)} MB -> ${mb(rssHalfway).toFixed(0)} MB halfway -> ${mb(rssAfter).toFixed(0)} MB ` +
        `(+${growthMb.toFixed(1)} MB in all, ${secondHalfMb.toFixed(1)} MB in the second half); by category ${JSON.stringify(byCategory)}`,
    );
    await api.stop();
    expect(api.exitCode()).toBe(0);
  });
});

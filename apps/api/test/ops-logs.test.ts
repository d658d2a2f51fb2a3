import { describe, expect, it } from 'vitest';
import { createWorld, failInsertsInto } from './fixtures';
import { codeOf, failureOf, useApi } from './harness';

// The most verbose level: whatever any layer would log, the secrets must not be in it. Behind a
// balancer on loopback (TRUST_PROXY), so the balancer's X-Request-Id is honoured.
const api = useApi({ LOG_LEVEL: 'trace', TRUST_PROXY: ['loopback'] }, { captureLogs: true });
// Clients connect directly (the default): nobody may choose the request id.
const direct = useApi({}, { captureLogs: true });

type Entry = Record<string, unknown>;
const entries = (): Entry[] => api.logLines().map((line) => JSON.parse(line) as Entry);
const linesOf = (requestId: string) =>
  entries().filter((entry) => entry.reqId === requestId || entry.requestId === requestId);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('structured logs', () => {
  it('write exactly one line per request, with its id, procedure, status, duration and queries', async () => {
    const { token } = await api.client().auth.signUp.mutate({
      email: 'logged@example.com',
      password: 'long enough password',
      name: 'L',
    });

    const response = await fetch(`${api.url}/auth.me`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'lb-req-42' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-request-id')).toBe('lb-req-42');
    expect(linesOf('lb-req-42')).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        reqId: 'lb-req-42',
        requestId: 'lb-req-42',
        method: 'GET',
        procedure: 'auth.me',
        statusCode: 200,
        durationMs: expect.any(Number),
        queries: 1,
      }),
    ]);

    // A malformed id (spaces, too long) is replaced by a generated one, returned and logged.
    for (const offered of ['not a valid id!', 'x'.repeat(200), undefined]) {
      const answer = await fetch(`${api.url}/auth.me`, {
        headers: offered === undefined ? {} : { 'x-request-id': offered },
      });
      expect(answer.status).toBe(401);
      const id = answer.headers.get('x-request-id') ?? '';
      expect(id).toMatch(UUID);
      expect(linesOf(id)).toEqual([
        expect.objectContaining({
          msg: 'request completed',
          requestId: id,
          procedure: 'auth.me',
          statusCode: 401,
          queries: 0,
        }),
      ]);
    }
  });

  it('X-Request-Id is honoured only from a trusted proxy: a direct client gets a generated id', async () => {
    const response = await fetch(`${direct.url}/auth.me`, {
      headers: { 'x-request-id': 'planted-by-client' },
    });
    expect(response.status).toBe(401);
    const id = response.headers.get('x-request-id') ?? '';
    expect(id).toMatch(UUID);
    const lines = direct.logLines().map((line) => JSON.parse(line) as Entry);
    expect(lines.some((entry) => JSON.stringify(entry).includes('planted-by-client'))).toBe(false);
    expect(lines.filter((entry) => entry.requestId === id)).toEqual([
      expect.objectContaining({ msg: 'request completed', statusCode: 401 }),
    ]);
  });

  it('a batch is one line naming its procedures', async () => {
    const response = await fetch(
      `${api.url}/auth.me,auth.me?batch=1&input=${encodeURIComponent('{}')}`,
      { headers: { 'x-request-id': 'batch-7' } },
    );
    expect(response.status).toBe(401);
    expect(linesOf('batch-7')).toEqual([
      expect.objectContaining({ procedure: 'auth.me,auth.me', statusCode: 401 }),
    ]);
  });

  it('never contain a password, a token or the Authorization header', async () => {
    const password = 'Pa55word-that-must-not-be-logged';
    const wrongPassword = 'Wr0ng-password-that-must-not-be-logged';
    const email = 'secretive@example.com';
    const signUp = await api.client().auth.signUp.mutate({ email, password, name: 'S' });
    expect(await codeOf(api.client().auth.signIn.mutate({ email, password: wrongPassword }))).toBe(
      'UNAUTHORIZED',
    );
    const signIn = await api.client().auth.signIn.mutate({ email, password });
    await api.client(signIn.token).auth.me.query();
    await api.client(signUp.token).auth.signOut.mutate();
    expect(await codeOf(api.client(signUp.token).auth.me.query())).toBe('UNAUTHORIZED');
    // Bad input carrying a password, and a well-formed but unknown token.
    const unknownToken = 'UnknownTokenValue_abcdefghijklmnopqrstuvwxyz';
    expect(
      await codeOf(api.client().auth.signUp.mutate({ email: 'bad', password, name: '' })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(api.client(unknownToken).auth.me.query())).toBe('UNAUTHORIZED');

    // An internal error in a request that carries a token is logged with its cause.
    const world = await createWorld(api, 'LOG');
    const restoreTasks = await failInsertsInto(
      api.database.openAsOwner(),
      'tasks',
      'injected failure for the log test',
    );
    try {
      const failure = await failureOf(
        world.owner.client.tasks.create.mutate({ projectId: world.project.id, title: 'boom' }),
      );
      expect(failure.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await restoreTasks();
    }

    // A sign-up whose users insert fails: the error's SQL is logged, its values (the hash) are not.
    const lostPassword = 'Pa55word-of-a-failed-sign-up';
    const restoreUsers = await failInsertsInto(
      api.database.openAsOwner(),
      'users',
      'injected sign-up failure',
    );
    try {
      expect(
        await codeOf(
          api
            .client()
            .auth.signUp.mutate({ email: 'lost@example.com', password: lostPassword, name: 'L' }),
        ),
      ).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await restoreUsers();
    }

    const text = api.logLines().join('');
    // The log did capture both errors, with their causes.
    expect(text).toContain('injected failure for the log test');
    expect(text).toContain('injected sign-up failure');
    expect(text).toContain('request completed');
    for (const secret of [
      password,
      wrongPassword,
      signUp.token,
      signIn.token,
      world.owner.token,
      unknownToken,
      lostPassword,
      'Bearer ',
      'scrypt$', // no password hash either
    ]) {
      expect(text, `log contains ${secret}`).not.toContain(secret);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createWorld, failInsertsInto } from './fixtures';
import { useApi } from './harness';

const api = useApi();

/** What an error body must never carry: stack frames, source paths, SQL, database internals. */
const LEAKS =
  /\bat .+:\d+:\d+|node_modules|\.ts\b|\.js\b|stack|\b(select|insert|update|delete)\b .*\b(from|into|set)\b|sqlstate|pg_|plpgsql|injected|trigger|constraint/i;

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('x-powered-by')).toBeNull();
  expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

describe('security headers and error bodies', () => {
  it('every /trpc response carries the security headers and no-store: success, error, batch, bad input, unknown procedure', async () => {
    const world = await createWorld(api, 'HDR');
    const auth = { authorization: `Bearer ${world.owner.token}` };
    const responses = [
      await fetch(`${api.url}/auth.me`, { headers: auth }),
      await fetch(`${api.url}/auth.me`),
      await fetch(`${api.url}/auth.me,auth.me?batch=1&input=${encodeURIComponent('{}')}`, {
        headers: auth,
      }),
      await fetch(`${api.url}/tasks.create`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{"json": {"projectId": ',
      }),
      await fetch(`${api.url}/nope.nothing`),
    ];
    expect(responses.map((response) => response.status)).toEqual([200, 401, 200, 400, 404]);
    for (const response of responses) expectSecurityHeaders(response.headers);
    // The health routes get helmet's headers too.
    const health = await fetch(`${api.origin}/healthz`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('x-powered-by')).toBeNull();
  });

  it('an internal error answers 500 "Internal server error" with no stack, SQL or cause', async () => {
    const world = await createWorld(api, 'ERR');
    const restore = await failInsertsInto(
      api.database.openAsOwner(),
      'tasks',
      'injected failure: select secret from vault',
    );
    try {
      const response = await fetch(`${api.url}/tasks.create`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${world.owner.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ json: { projectId: world.project.id, title: 'boom' } }),
      });
      expect(response.status).toBe(500);
      expectSecurityHeaders(response.headers);
      const text = await response.text();
      expect(text).not.toMatch(LEAKS);
      expect(JSON.parse(text)).toEqual({
        error: {
          json: {
            message: 'Internal server error',
            code: -32603,
            data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, path: 'tasks.create' },
          },
        },
      });
    } finally {
      await restore();
    }
  });

  it('database failures the client can cause (conflict, bad reference) and transport errors carry no SQL either', async () => {
    const world = await createWorld(api, 'DUP');
    const headers = {
      authorization: `Bearer ${world.owner.token}`,
      'content-type': 'application/json',
    };
    const bodies: Array<{ status: number; text: string }> = [];
    const record = async (response: Response) =>
      bodies.push({ status: response.status, text: await response.text() });
    // A project key that is taken: a unique violation in the database.
    await record(
      await fetch(`${api.url}/projects.create`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          json: { workspaceId: world.workspace.id, key: 'DUP', name: 'again' },
        }),
      }),
    );
    // Broken JSON, a body over the limit, an unknown route.
    await record(
      await fetch(`${api.url}/tasks.create`, { method: 'POST', headers, body: '{"json": [' }),
    );
    await record(
      await fetch(`${api.url}/tasks.create`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ json: { title: 'x'.repeat(2_000_000) } }),
      }),
    );
    await record(await fetch(`${api.origin}/no/such/route`));
    expect(bodies.map((body) => body.status)).toEqual([409, 400, 413, 404]);
    for (const body of bodies) expect(body.text).not.toMatch(LEAKS);
  });
});

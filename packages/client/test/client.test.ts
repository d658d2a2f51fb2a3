import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createTrellisClient,
  isBadRequest,
  isConflict,
  isForbidden,
  isNotFound,
  isUnauthorized,
  TrellisError,
  type TrellisClient,
} from '../src';
import { useApiServer } from './api-server';

const api = useApiServer();

/** Requests the client sent, through a fetch that records them (the server is real). */
function recordingFetch() {
  const requests: Array<{ url: string; method: string; authorization: string | null }> = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    requests.push({
      url: request.url,
      method: request.method,
      authorization: request.headers.get('authorization'),
    });
    return fetch(request);
  };
  return { requests, fetchImpl };
}

async function signedIn(): Promise<{ client: TrellisClient; token: string; email: string }> {
  const email = `client-${randomUUID().slice(0, 8)}@example.com`;
  const { token } = await createTrellisClient({ url: api.url }).auth.signUp.mutate({
    email,
    password: 'a long password',
    name: 'Client Test',
  });
  return { client: createTrellisClient({ url: api.url, token }), token, email };
}

async function failure(call: Promise<unknown>): Promise<TrellisError> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TrellisError);
    return error as TrellisError;
  }
  throw new Error('expected the call to fail');
}

async function world() {
  const { client, token, email } = await signedIn();
  const workspace = await client.workspaces.create.mutate({
    name: 'Acme',
    slug: `acme-${randomUUID().slice(0, 8)}`,
  });
  const project = await client.projects.create.mutate({
    workspaceId: workspace.id,
    key: 'ENG',
    name: 'Engineering',
  });
  const label = await client.labels.create.mutate({
    workspaceId: workspace.id,
    name: 'bug',
    color: '#d73a4a',
  });
  return { client, token, email, workspace, project, label };
}

describe('createTrellisClient against the real API', () => {
  it('sends the bearer token, and superjson brings dates back as Date', async () => {
    const { token } = await signedIn();
    const { requests, fetchImpl } = recordingFetch();
    const client = createTrellisClient({ url: api.url, token, fetch: fetchImpl });
    const me = await client.auth.me.query();
    expect(me.name).toBe('Client Test');
    expect(requests.map((request) => request.authorization)).toEqual([`Bearer ${token}`]);

    const { client: owner, project, label } = await world();
    const task = await owner.tasks.create.mutate({
      projectId: project.id,
      title: 'Typed',
      labelIds: [label.id],
      dueDate: new Date('2030-01-02T03:04:05.000Z'),
    });
    expect(task.createdAt).toBeInstanceOf(Date);
    expect(task.dueDate?.toISOString()).toBe('2030-01-02T03:04:05.000Z');
    expect(task.labels).toEqual([{ id: label.id, name: 'bug', color: '#d73a4a' }]);
  });

  it('batches calls of the same tick into one HTTP request, and sends extra headers', async () => {
    const { client: owner, token, workspace, project } = await world();
    await owner.tasks.create.mutate({ projectId: project.id, title: 'one' });
    const { requests, fetchImpl } = recordingFetch();
    const client = createTrellisClient({
      url: api.url,
      token,
      fetch: fetchImpl,
      headers: { 'x-request-id': 'client-batch-test' },
    });
    const [me, projects, byKey, page] = await Promise.all([
      client.auth.me.query(),
      client.projects.list.query({ workspaceId: workspace.id }),
      client.tasks.getByKey.query({ workspaceId: workspace.id, key: 'eng-1' }),
      client.tasks.list.query({ projectId: project.id }),
    ]);
    expect(me.id).toBeTruthy();
    expect(projects.map((p) => p.key)).toEqual(['ENG']);
    expect(byKey.title).toBe('one');
    expect(page.items).toHaveLength(1);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.method).toBe('GET');
    expect(requests[0]!.url).toContain('auth.me,projects.list,tasks.getByKey,tasks.list');
  });

  it('splits a batch whose URL would pass maxURLLength into several requests', async () => {
    const { token, project } = await world();
    const { requests, fetchImpl } = recordingFetch();
    const client = createTrellisClient({ url: api.url, token, fetch: fetchImpl });
    const search = 'x'.repeat(150);
    await Promise.all(
      Array.from({ length: 30 }, () => client.tasks.list.query({ projectId: project.id, search })),
    );
    expect(requests.length).toBeGreaterThan(1);
    for (const request of requests) expect(request.url.length).toBeLessThanOrEqual(2083);
  });

  it("never puts more calls in one request than the API's batch limit (10)", async () => {
    const { token } = await world();
    const { requests, fetchImpl } = recordingFetch();
    const client = createTrellisClient({ url: api.url, token, fetch: fetchImpl });
    const answers = await Promise.all(Array.from({ length: 25 }, () => client.auth.me.query()));
    expect(answers).toHaveLength(25);
    const sizes = requests.map((request) => new URL(request.url).pathname.split(',').length);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(25);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });

  it('a token given as a function is read before every request', async () => {
    const first = await signedIn();
    const second = await signedIn();
    let current = first.token;
    const client = createTrellisClient({ url: api.url, token: () => current });
    expect((await client.auth.me.query()).id).not.toBe('');
    const firstId = (await client.auth.me.query()).id;
    current = second.token;
    expect((await client.auth.me.query()).id).not.toBe(firstId);
  });
});

describe('errors reach the caller as TrellisError', () => {
  it('NOT_FOUND, CONFLICT, FORBIDDEN and UNAUTHORIZED carry code, status and message', async () => {
    const { client, workspace, project } = await world();
    const task = await client.tasks.create.mutate({ projectId: project.id, title: 'v1' });
    await client.tasks.update.mutate({ id: task.id, version: task.version, title: 'v2' });

    const stale = await failure(
      client.tasks.update.mutate({ id: task.id, version: task.version, title: 'v3' }),
    );
    expect(isConflict(stale)).toBe(true);
    expect(stale).toMatchObject({ code: 'CONFLICT', status: 409, issues: [] });
    expect(stale.message).toMatch(/version|changed|conflict/i);

    const missing = await failure(
      client.tasks.getByKey.query({ workspaceId: workspace.id, key: 'ENG-999' }),
    );
    expect(isNotFound(missing)).toBe(true);
    expect(missing.status).toBe(404);

    const duplicate = await failure(
      client.projects.create.mutate({ workspaceId: workspace.id, key: 'ENG', name: 'again' }),
    );
    expect(isConflict(duplicate)).toBe(true);

    const signedOut = createTrellisClient({ url: api.url, token: 'not-a-token' });
    const unauthorized = await failure(signedOut.auth.me.query());
    expect(isUnauthorized(unauthorized)).toBe(true);
    expect(unauthorized.status).toBe(401);

    const viewerless = await signedIn();
    const hidden = await failure(viewerless.client.tasks.get.query({ id: task.id }));
    expect(isNotFound(hidden)).toBe(true);
    expect(isForbidden(hidden)).toBe(false);
  });

  it('BAD_REQUEST lists the zod field issues', async () => {
    const { client, project } = await world();
    const error = await failure(
      client.tasks.create.mutate({
        projectId: project.id,
        title: '   ',
        description: 'x'.repeat(20_001),
      }),
    );
    expect(isBadRequest(error)).toBe(true);
    expect(error.status).toBe(400);
    expect(error.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'description',
      'title',
    ]);
    for (const issue of error.issues) expect(issue.message).toBeTruthy();
  });

  it('an unreachable server is NETWORK_ERROR without a status', async () => {
    const client = createTrellisClient({ url: 'http://127.0.0.1:9/trpc', retry: false });
    const error = await failure(client.auth.me.query());
    expect(error.code).toBe('NETWORK_ERROR');
    expect(error.status).toBeUndefined();
  });
});

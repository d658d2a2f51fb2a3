import { describe, expect, it } from 'vitest';
import { createWorld } from './fixtures';
import { useApi } from './harness';

const api = useApi();

interface RawAnswer {
  status: number;
  code: string | undefined;
  paths: string[];
  text: string;
}

/** A raw tRPC call with a hand-made body, so that inputs the typed client forbids can be sent. */
async function raw(
  procedure: string,
  token: string,
  body: string,
  method = 'POST',
): Promise<RawAnswer> {
  const response = await fetch(`${api.url}/${procedure}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(method === 'POST' ? { body } : {}),
  });
  const text = await response.text();
  let parsed: {
    error?: { json?: { data?: { code?: string; issues?: Array<{ path: unknown[] }> } } };
  } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON (e.g. Fastify's own 413): status alone tells
  }
  const data = parsed.error?.json?.data;
  return {
    status: response.status,
    code: data?.code,
    paths: (data?.issues ?? []).map((issue) => issue.path.join('.')),
    text,
  };
}

const input = (value: unknown) => JSON.stringify({ json: value });

describe('bad input gets BAD_REQUEST naming the field, never a 500, and writes nothing', () => {
  it('rejects every kind of malformed input with field paths', async () => {
    const world = await createWorld(api, 'BAD');
    const { token } = world.owner;
    const projectId = world.project.id;
    const cases: Array<[string, string, unknown, string]> = [
      ['wrong type', 'tasks.create', { projectId, title: 123 }, 'title'],
      ['blank title', 'tasks.create', { projectId, title: '   ' }, 'title'],
      ['over-long title', 'tasks.create', { projectId, title: 'x'.repeat(201) }, 'title'],
      [
        'over-long description',
        'tasks.create',
        { projectId, title: 'ok', description: 'x'.repeat(20_001) },
        'description',
      ],
      ['unknown status', 'tasks.create', { projectId, title: 'ok', status: 'bogus' }, 'status'],
      [
        'unknown priority',
        'tasks.create',
        { projectId, title: 'ok', priority: 'critical' },
        'priority',
      ],
      ['extra key', 'tasks.create', { projectId, title: 'ok', ownerId: world.owner.id }, ''],
      ['not a uuid', 'tasks.create', { projectId: 'project-1', title: 'ok' }, 'projectId'],
      [
        'too many labels',
        'tasks.create',
        { projectId, title: 'ok', labelIds: Array(21).fill(world.label.id) },
        'labelIds',
      ],
      ['date as text', 'tasks.create', { projectId, title: 'ok', dueDate: 'tomorrow' }, 'dueDate'],
      ['nested object as title', 'tasks.create', { projectId, title: { $gt: '' } }, 'title'],
      [
        'lone surrogate in title',
        'tasks.create',
        { projectId, title: 'broken \ud800 text' },
        'title',
      ],
      [
        'lone surrogate in description',
        'tasks.create',
        { projectId, title: 'ok', description: '\udc00' },
        'description',
      ],
      ['missing input', 'tasks.create', undefined, ''],
      ['bad slug', 'workspaces.create', { name: 'x', slug: 'Not A Slug' }, 'slug'],
      ['short slug', 'workspaces.create', { name: 'x', slug: 'ab' }, 'slug'],
      [
        'bad key',
        'projects.create',
        { workspaceId: world.workspace.id, key: 'eng', name: 'x' },
        'key',
      ],
      [
        'bad color',
        'labels.create',
        { workspaceId: world.workspace.id, name: 'x', color: 'red' },
        'color',
      ],
      [
        'invite as owner',
        'workspaces.invite',
        { workspaceId: world.workspace.id, email: 'a@b.co', role: 'owner' },
        'role',
      ],
      [
        'bad email',
        'workspaces.invite',
        { workspaceId: world.workspace.id, email: 'nope', role: 'member' },
        'email',
      ],
      [
        'invite without workspace',
        'workspaces.invite',
        { email: 'a@b.co', role: 'member' },
        'workspaceId',
      ],
      ['revoke a non-id', 'workspaces.revokeInvitation', { id: 'first' }, 'id'],
      [
        'set the owner role',
        'workspaces.setRole',
        { workspaceId: world.workspace.id, userId: world.owner.id, role: 'owner' },
        'role',
      ],
      [
        'set role of a non-id',
        'workspaces.setRole',
        { workspaceId: world.workspace.id, userId: 'me', role: 'viewer' },
        'userId',
      ],
      [
        'transfer to a non-id',
        'workspaces.transferOwnership',
        { workspaceId: world.workspace.id, userId: 42 },
        'userId',
      ],
      [
        'transfer to oneself',
        'workspaces.transferOwnership',
        { workspaceId: world.workspace.id, userId: world.owner.id },
        'userId',
      ],
      ['leave a non-id', 'workspaces.leave', { workspaceId: 'acme' }, 'workspaceId'],
      [
        'leave with extra keys',
        'workspaces.leave',
        { workspaceId: world.workspace.id, as: 'x' },
        '',
      ],
      ['accept a non-id', 'invitations.accept', { id: 'latest' }, 'id'],
      ['decline without id', 'invitations.decline', {}, 'id'],
      ['negative version', 'tasks.update', { id: projectId, version: -1 }, 'version'],
      ['blank comment', 'comments.add', { taskId: projectId, body: '' }, 'body'],
    ];
    for (const [name, procedure, value, path] of cases) {
      const answer = await raw(procedure, token, input(value));
      expect({ name, status: answer.status, code: answer.code }).toEqual({
        name,
        status: 400,
        code: 'BAD_REQUEST',
      });
      if (path) expect(answer.paths, name).toContain(path);
    }
    const signUp = await raw(
      'auth.signUp',
      '',
      input({ email: 'not-an-email', password: 'short', name: '' }),
    );
    expect(signUp.code).toBe('BAD_REQUEST');
    expect(signUp.paths).toEqual(expect.arrayContaining(['email', 'password', 'name']));

    const listed = await world.owner.client.tasks.list.query({ projectId });
    expect(listed.items).toHaveLength(0);
    expect(
      await world.owner.client.labels.list.query({ workspaceId: world.workspace.id }),
    ).toHaveLength(1);
    expect(
      await world.owner.client.projects.list.query({ workspaceId: world.workspace.id }),
    ).toHaveLength(1);
  });

  it('lookups by key reject malformed keys (GET queries) naming the field', async () => {
    const world = await createWorld(api, 'KEY');
    const workspaceId = world.workspace.id;
    const cases: Array<[string, string, unknown, string]> = [
      ['malformed task key', 'tasks.getByKey', { workspaceId, key: 'KEY12' }, 'key'],
      [
        'task number out of range',
        'tasks.getByKey',
        { workspaceId, key: 'KEY-99999999999' },
        'key',
      ],
      ['task key without workspace', 'tasks.getByKey', { key: 'KEY-1' }, 'workspaceId'],
      ['malformed project key', 'projects.getByKey', { workspaceId, key: 'K' }, 'key'],
      ['project key not a string', 'projects.getByKey', { workspaceId, key: 7 }, 'key'],
      ['invitations of a non-id', 'workspaces.invitations', { workspaceId: 'acme' }, 'workspaceId'],
      ['comments of a non-id', 'comments.list', { taskId: 'x' }, 'taskId'],
      ['comments page too large', 'comments.list', { taskId: workspaceId, limit: 101 }, 'limit'],
      ['activity before a non-id', 'activity.list', { workspaceId, before: 'x' }, 'before'],
    ];
    for (const [name, procedure, value, path] of cases) {
      const response = await fetch(
        `${api.url}/${procedure}?input=${encodeURIComponent(input(value))}`,
        { headers: { authorization: `Bearer ${world.owner.token}` } },
      );
      const body = (await response.json()) as {
        error: { json: { data: { code: string; issues?: Array<{ path: unknown[] }> } } };
      };
      const { data } = body.error.json;
      expect({ name, status: response.status, code: data.code }).toEqual({
        name,
        status: 400,
        code: 'BAD_REQUEST',
      });
      expect(
        (data.issues ?? []).map((issue) => issue.path.join('.')),
        name,
      ).toContain(path);
    }
  });

  it('broken JSON, deep nesting, huge bodies and unknown procedures never give a 5xx', async () => {
    const world = await createWorld(api, 'JSON');
    const { token } = world.owner;
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    const answers = [
      await raw('tasks.create', token, '{"json": {"projectId": '),
      await raw(
        'tasks.create',
        token,
        `{"json": {"projectId": "${world.project.id}", "title": ${deep}}}`,
      ),
      await raw('tasks.create', token, `{"json": ${deep}}`),
      await raw(
        'tasks.create',
        token,
        input({ projectId: world.project.id, title: 'x'.repeat(2_000_000) }),
      ),
      await raw('tasks.nope', token, input({})),
      await raw(
        'tasks.create',
        token,
        '{"json": {}, "meta": {"values": {"title": ["custom", "evil"]}}}',
      ),
      await raw('tasks.create', token, '"\ud800"'),
      await raw('tasks.list', token, '', 'GET'),
    ];
    for (const answer of answers) {
      expect(answer.status, answer.text.slice(0, 200)).toBeGreaterThanOrEqual(400);
      expect(answer.status, answer.text.slice(0, 200)).toBeLessThan(500);
    }
    expect(
      (await world.owner.client.tasks.list.query({ projectId: world.project.id })).items,
    ).toHaveLength(0);
  });
});

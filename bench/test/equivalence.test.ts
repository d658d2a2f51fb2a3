import { buildServer, createLogger, readApiConfig, type ApiServer } from '@trellis/api';
import { createDatabase, type Database } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { signUp } from '@trellis/identity';
import { createLabel, type Label } from '@trellis/labels';
import { createProject } from '@trellis/projects';
import { importTasks } from '@trellis/tasks';
import { createWorkspace } from '@trellis/workspaces';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchReference, type RunningReference } from '../src/reference-launcher';

/**
 * The references are only worth comparing with if they answer what Trellis answers: the same
 * status and the same body, byte for byte, for the benchmarked procedures, on the same data.
 * Trellis runs in this process (its real HTTP server); the baseline and the peer run as the
 * processes the benchmark starts.
 */

const database = useTestDatabase();

let db: Database;
let trellis: ApiServer;
let trellisOrigin = '';
const references: RunningReference[] = [];

interface Seeded {
  ownerToken: string;
  outsiderToken: string;
  projectId: string;
  /** A task with three labels (names in mixed case) and 25 comments (20 on its first page). */
  detailedTaskId: string;
  labelId: string;
  ownerId: string;
}
let seeded: Seeded;

async function seed(): Promise<Seeded> {
  return db.transaction(async (session) => {
    const owner = await signUp(session, {
      email: 'owner@equivalence.test',
      password: 'a long password',
      name: 'Olive Owner',
    });
    const outsider = await signUp(session, {
      email: 'outsider@equivalence.test',
      password: 'a long password',
      name: 'Otto Outsider',
    });
    const actor = { userId: owner.user.id };
    const workspace = await createWorkspace(session, actor, { name: 'Equivalence', slug: 'equiv' });
    // The outsider has a workspace of their own: a member somewhere, just not here.
    await createWorkspace(session, { userId: outsider.user.id }, { name: 'Else', slug: 'else' });
    const project = await createProject(session, actor, {
      workspaceId: workspace.id,
      key: 'EQ',
      name: 'Equivalence',
    });
    const labels: Label[] = [];
    for (const [name, color] of [
      // Sorted ignoring case, Beta sits between alpha and zeta; by code unit it would lead.
      ['zeta', '#111111'],
      ['Beta', '#222222'],
      ['alpha', '#333333'],
    ] as const) {
      labels.push(await createLabel(session, actor, { workspaceId: workspace.id, name, color }));
    }
    const statuses = ['backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
    await importTasks(session, actor, {
      projectId: project.id,
      tasks: Array.from({ length: 12 }, (_, index) => ({
        title: index % 3 === 0 ? `Search target ${index}` : `Plain task ${index}`,
        description: index % 2 === 0 ? `Description ${index}` : null,
        status: statuses[index % statuses.length],
        priority: 'medium' as const,
        assigneeId: index % 2 === 0 ? owner.user.id : null,
        labelIds: labels.slice(0, index % 4).map((label) => label.id),
        dueDate: index % 3 === 0 ? new Date(Date.UTC(2027, index, 15, 12, 30, 45, 123)) : null,
        comments: Array.from({ length: index === 3 ? 25 : index % 4 }, (_, n) => ({
          authorId: owner.user.id,
          body: `Comment ${n + 1} on task ${index}`,
        })),
      })),
    });
    // Task 4 (index 3) has labels zeta, Beta, alpha and 25 comments.
    const detailed = await session.raw<{ rows: Array<{ id: string }> }>(
      'select id from tasks where project_id = ? and number = 4',
      [project.id],
    );
    return {
      ownerToken: owner.token,
      outsiderToken: outsider.token,
      projectId: project.id,
      detailedTaskId: detailed.rows[0]!.id,
      labelId: labels[0]!.id,
      ownerId: owner.user.id,
    };
  });
}

beforeAll(async () => {
  db = createDatabase({ url: database.url, pool: { max: 10 } });
  seeded = await seed();
  const config = readApiConfig({
    LOG_LEVEL: 'silent',
    SHED_EVENT_LOOP_DELAY_MS: '10000',
    SHED_ACQUIRE_WAIT_MS: '10000',
  });
  trellis = await buildServer({ config, db, log: createLogger(config) });
  trellisOrigin = await trellis.app.listen({ port: 0, host: '127.0.0.1' });
  for (const name of ['baseline', 'peer'] as const) {
    references.push(await launchReference(name, { databaseUrl: database.url }));
  }
}, 60_000);

afterAll(async () => {
  const codes = await Promise.all(references.map((reference) => reference.stop()));
  await trellis?.app.close();
  await trellis?.metricsApp?.close();
  await db?.close();
  // SIGTERM is a clean exit for the references (the harness relies on it).
  expect(codes).toEqual(references.map(() => 0));
});

interface Answer {
  status: number;
  body: string;
}

async function call(origin: string, path: string, token: string | null, input?: unknown) {
  const query =
    input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await fetch(`${origin}/trpc/${path}${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, body: await response.text() } satisfies Answer;
}

/** Trellis's answer, after checking that the baseline and the peer give the very same one. */
async function sameEverywhere(
  path: string,
  token: string | null,
  input?: unknown,
): Promise<Answer> {
  const expected = await call(trellisOrigin, path, token, input);
  for (const reference of references) {
    const actual = await call(reference.origin, path, token, input);
    // Parsed first, for a readable diff; then the raw text, for key order and formatting.
    expect({
      reference: reference.name,
      status: actual.status,
      body: JSON.parse(actual.body) as unknown,
    }).toEqual({
      reference: reference.name,
      status: expected.status,
      body: JSON.parse(expected.body) as unknown,
    });
    expect(actual.body, reference.name).toBe(expected.body);
  }
  return expected;
}

interface Envelope<T> {
  result: { data: { json: T; meta?: { values: Record<string, string[]> } } };
}

interface ErrorEnvelope {
  error: { json: { message: string; data: { code: string; httpStatus: number } } };
}

describe('the references answer exactly what Trellis answers', () => {
  it('auth.me: the signed-in user', async () => {
    const answer = await sameEverywhere('auth.me', seeded.ownerToken);
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as Envelope<{ name: string }>).result.data.json.name).toBe(
      'Olive Owner',
    );
  });

  it('auth.me without a valid token: UNAUTHORIZED', async () => {
    for (const token of [null, 'not-a-token-we-issued-at-all']) {
      const answer = await sameEverywhere('auth.me', token);
      expect(answer.status).toBe(401);
      expect((JSON.parse(answer.body) as ErrorEnvelope).error.json.data.code).toBe('UNAUTHORIZED');
    }
  });

  it('tasks.get: a task with its labels (name order, ignoring case), its first 20 comments, their cursor and dates', async () => {
    const answer = await sameEverywhere('tasks.get', seeded.ownerToken, {
      id: seeded.detailedTaskId,
    });
    expect(answer.status).toBe(200);
    const { json, meta } = (
      JSON.parse(answer.body) as Envelope<{
        labels: Array<{ name: string }>;
        comments: Array<{ body: string }>;
        commentsCursor: string | null;
      }>
    ).result.data;
    expect(json.labels.map((label) => label.name)).toEqual(['alpha', 'Beta', 'zeta']);
    expect(json.comments.map((comment) => comment.body)).toEqual(
      Array.from({ length: 20 }, (_, n) => `Comment ${n + 1} on task 3`),
    );
    expect(json.commentsCursor).toEqual(expect.any(String));
    expect(Object.keys(meta?.values ?? {})).toContain('comments.19.createdAt');
  });

  it('tasks.list: the first page, the page after its cursor, and filtered pages', async () => {
    const first = await sameEverywhere('tasks.list', seeded.ownerToken, {
      projectId: seeded.projectId,
      limit: 5,
    });
    const page = (
      JSON.parse(first.body) as Envelope<{ items: unknown[]; nextCursor: string | null }>
    ).result.data.json;
    expect(page.items).toHaveLength(5);
    expect(page.nextCursor).not.toBeNull();
    const second = await sameEverywhere('tasks.list', seeded.ownerToken, {
      projectId: seeded.projectId,
      limit: 5,
      cursor: page.nextCursor,
    });
    expect(
      (
        JSON.parse(second.body) as Envelope<{ items: Array<{ number: number }> }>
      ).result.data.json.items.map((item) => item.number),
    ).toEqual([7, 6, 5, 4, 3]);
    for (const filters of [
      { status: 'todo' },
      { assigneeId: null },
      { assigneeId: seeded.ownerId, labelId: seeded.labelId },
      { search: 'target' },
      { search: 'nothing-has-this-word' },
      {},
    ]) {
      const answer = await sameEverywhere('tasks.list', seeded.ownerToken, {
        projectId: seeded.projectId,
        ...filters,
      });
      expect(answer.status).toBe(200);
    }
  });

  it('a non-member gets NOT_FOUND for the task and for the project', async () => {
    const get = await sameEverywhere('tasks.get', seeded.outsiderToken, {
      id: seeded.detailedTaskId,
    });
    const list = await sameEverywhere('tasks.list', seeded.outsiderToken, {
      projectId: seeded.projectId,
    });
    for (const answer of [get, list]) {
      expect(answer.status).toBe(404);
      expect((JSON.parse(answer.body) as ErrorEnvelope).error.json.data.code).toBe('NOT_FOUND');
    }
  });
});

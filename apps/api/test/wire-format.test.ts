import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { WIRE_FORMAT_SECTION } from '../src/docs/wire-format';
import { createWorld } from './fixtures';
import { useApi } from './harness';

const api = useApi();
const run = promisify(execFile);

/** The `sh` blocks of docs/api.md's "Wire format" section, in order. */
const examples = [...WIRE_FORMAT_SECTION.matchAll(/```sh\n([\s\S]*?)```/g)].map(
  (match) => match[1]!,
);

interface Answer {
  result?: { data: { json: unknown; meta?: { values?: Record<string, unknown> } } };
  error?: {
    json: { message: string; data: { code: string; issues?: Array<{ path: unknown[] }> } };
  };
}

describe('docs/api.md wire format: the curl examples run as written', () => {
  it('each example answers as the text around it says', async () => {
    expect(examples).toHaveLength(5);
    const world = await createWorld(api);
    const env = {
      ...process.env,
      API: api.origin,
      TOKEN: world.owner.token,
      WORKSPACE: world.workspace.id,
      PROJECT: world.project.id,
    };
    const answers: unknown[] = [];
    for (const example of examples) {
      const { stdout } = await run('bash', ['-c', example], { env });
      answers.push(JSON.parse(stdout));
    }
    const [signUp, list, create, batch, invalid] = answers as [
      Answer,
      Answer,
      Answer,
      Answer[],
      Answer,
    ];

    expect(signUp.result?.data.json).toMatchObject({ token: expect.any(String) });
    expect(JSON.stringify(list.result?.data.json)).toContain(world.project.id);
    expect(create.result?.data.json).toMatchObject({
      title: 'Ship it',
      dueDate: '2027-01-31T00:00:00.000Z',
    });
    expect(create.result?.data.meta?.values).toMatchObject({ dueDate: ['Date'] });
    expect(batch).toHaveLength(2);
    expect(JSON.stringify(batch[0]!.result?.data.json)).toContain(world.project.id);
    expect(JSON.stringify(batch[1]!.result?.data.json)).toContain(world.label.id);
    expect(invalid.error?.json.data.code).toBe('BAD_REQUEST');
    expect(invalid.error?.json.data.issues?.[0]?.path).toEqual(['title']);
    expect(invalid.error?.json.message).toMatch(/^Invalid input: title: /);
  });

  it('input sent without the superjson envelope says so, instead of "received undefined"', async () => {
    const world = await createWorld(api);
    const response = await fetch(`${api.origin}/trpc/tasks.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${world.owner.token}` },
      body: JSON.stringify({ projectId: world.project.id, title: 'no envelope' }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Answer;
    expect(body.error?.json.message).toContain('The input must be wrapped for superjson');
    expect(body.error?.json.message).not.toContain('undefined');
    // Nothing was written.
    const page = await world.owner.client.tasks.list.query({ projectId: world.project.id });
    expect(page.items).toEqual([]);
  });
});

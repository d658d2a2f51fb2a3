import { importTasks, MAX_PAGE_TEXT } from '@trellis/tasks';
import { describe, expect, it } from 'vitest';
import { createWorld } from './fixtures';
import { codeOf, useApi } from './harness';

// A small pool, so a batch that took a connection per call would starve everyone at once.
const api = useApi({ MAX_BATCH_SIZE: 10 }, { max: 5 });

/**
 * Bound of one call's answer for the ASCII data of these tests: the page's text (cut at
 * MAX_PAGE_TEXT characters) plus each item's fixed fields (ids, dates, users, labels). The
 * general bound, with escaping and multi-byte characters, is in docs/threat-model.md.
 */
const CALL_BOUND_BYTES = MAX_PAGE_TEXT + 200 * 1_024;

async function getText(path: string, input: unknown, token: string) {
  const response = await fetch(
    `${api.url}/${path}?input=${encodeURIComponent(JSON.stringify(input))}`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
}

/** A world whose project holds 100 tasks with 20,000-character descriptions, one with 1,000 long comments. */
async function bulkyWorld(key: string) {
  const world = await createWorld(api, key);
  const { owner } = world;
  await api.db.transaction((session) =>
    importTasks(
      session,
      { userId: owner.id },
      {
        projectId: world.project.id,
        tasks: Array.from({ length: 100 }, (_, n) => ({
          title: `Bulky ${n}`,
          description: 'd'.repeat(20_000),
        })),
      },
    ),
  );
  const page = await owner.client.tasks.list.query({ projectId: world.project.id, limit: 1 });
  const talky = page.items[0]!;
  await api.db.knex.raw(
    "insert into comments (task_id, author_id, body) select ?, ?, repeat('c', 10000) from generate_series(1, 1000)",
    [talky.id, owner.id],
  );
  return { world, talky };
}

describe('answers are bounded per call and per batch', () => {
  it('tasks.get of a task with 1,000 comments of 10 KB carries one bounded page and a cursor; comments.list pages the rest', async () => {
    const { world, talky } = await bulkyWorld('GET');
    const { token } = world.owner;
    const single = await getText('tasks.get', { json: { id: talky.id } }, token);
    expect(single.status).toBe(200);
    expect(single.bytes).toBeLessThan(CALL_BOUND_BYTES); // once: 10 MB

    const detail = await world.owner.client.tasks.get.query({ id: talky.id });
    let cursor = detail.commentsCursor;
    let seen = detail.comments.length;
    let pages = 0;
    while (cursor && pages < 3) {
      const page = await world.owner.client.comments.list.query({
        taskId: talky.id,
        cursor,
        limit: 100,
      });
      expect(JSON.stringify(page).length).toBeLessThan(CALL_BOUND_BYTES);
      seen += page.items.length;
      cursor = page.nextCursor;
      pages += 1;
    }
    expect(seen).toBeGreaterThan(detail.comments.length);
    expect(cursor).toEqual(expect.any(String)); // there are more pages still

    // A 1 KB GET batch of 10 such calls: once 102 MB, now at most 10 bounded answers.
    const ids = Array.from({ length: 10 }, () => talky.id);
    const batchInput = Object.fromEntries(ids.map((id, index) => [index, { json: { id } }]));
    const response = await fetch(
      `${api.url}/${ids.map(() => 'tasks.get').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(batchInput))}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeLessThan(10 * CALL_BOUND_BYTES);
  });

  it('tasks.list of 100 tasks with 20,000-character descriptions is cut by size; a batch holds at most MAX_BATCH_SIZE calls', async () => {
    const { world } = await bulkyWorld('LST');
    const { token } = world.owner;
    const list = await getText(
      'tasks.list',
      { json: { projectId: world.project.id, limit: 100 } },
      token,
    );
    expect(list.status).toBe(200);
    expect(list.bytes).toBeLessThan(CALL_BOUND_BYTES); // once: 2 MB per call

    const batch = (size: number) => {
      const input = Object.fromEntries(
        Array.from({ length: size }, (_, index) => [
          index,
          { json: { projectId: world.project.id, limit: 100 } },
        ]),
      );
      return fetch(
        `${api.url}/${Array.from({ length: size }, () => 'tasks.list').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
    };
    expect((await batch(11)).status).toBe(400); // once: 50 calls, 102 MB
    const ten = await batch(10);
    expect(ten.status).toBe(200);
    expect((await ten.arrayBuffer()).byteLength).toBeLessThan(10 * CALL_BOUND_BYTES);
  });

  it("a batch's calls take one connection at a time: parallel batches leave room for everyone else", async () => {
    const { world } = await bulkyWorld('FAIR');
    const { token } = world.owner;
    const input = Object.fromEntries(
      Array.from({ length: 10 }, (_, index) => [
        index,
        { json: { projectId: world.project.id, limit: 100 } },
      ]),
    );
    const url = `${api.url}/${Array.from({ length: 10 }, () => 'tasks.list').join(',')}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`;

    let mostUsed = 0;
    const sampler = setInterval(() => {
      mostUsed = Math.max(mostUsed, api.db.poolStats().used);
    }, 2);
    const normal: string[] = [];
    try {
      // Three batches of ten heavy calls at once, on a pool of five connections.
      const batches = Promise.all(
        Array.from({ length: 3 }, async () => {
          const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      let done = false;
      const others = (async () => {
        while (!done || normal.length < 5) {
          normal.push(await codeOf(world.owner.client.workspaces.list.query()));
        }
      })();
      expect(await batches).toEqual([200, 200, 200]);
      done = true;
      await others;
    } finally {
      clearInterval(sampler);
    }
    // Each batch held at most one connection, the normal calls one more: never the whole pool
    // (30 calls run at once would take all five).
    expect(mostUsed).toBeLessThanOrEqual(4);
    expect(normal.every((code) => code === 'OK')).toBe(true);
    expect(api.db.poolStats().used).toBe(0);
  });
});

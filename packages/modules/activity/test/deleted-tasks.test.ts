import { useTestDatabase } from '@trellis/db/testing';
import { signUp, type User } from '@trellis/identity';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { listActivity, recordActivity } from '../src';

const test = useTestDatabase();

let ada: User;

beforeAll(async () => {
  ada = await test.db.transaction(
    async (session) =>
      (await signUp(session, { email: 'ada@example.com', password: 'password-ada', name: 'Ada' }))
        .user,
  );
});

describe('entries of deleted tasks', () => {
  it('keep the key, the kinds, actors and times, but the feed no longer shows the title', async () => {
    const workspaceId = randomUUID();
    const deleted = randomUUID();
    const living = randomUUID();
    await test.db.transaction(async (session) => {
      for (const [taskId, key, title] of [
        [deleted, 'ENG-1', 'Acquire Initech quietly'],
        [living, 'ENG-2', 'Ship the roadmap'],
      ] as const) {
        await recordActivity(session, {
          workspaceId,
          actorId: ada.id,
          kind: 'task.created',
          taskId,
          data: { key, title, imported: true },
        });
        await recordActivity(session, {
          workspaceId,
          actorId: ada.id,
          kind: 'task.updated',
          taskId,
          data: { key, fields: ['title'] },
        });
      }
      await recordActivity(session, {
        workspaceId,
        actorId: ada.id,
        kind: 'task.deleted',
        taskId: deleted,
        data: { key: 'ENG-1' },
      });
    });

    const feed = await test.db.read((session) => listActivity(session, { workspaceId, limit: 50 }));
    expect(JSON.stringify(feed)).not.toContain('Initech');
    const ofDeleted = feed.filter((entry) => entry.taskId === deleted);
    expect(ofDeleted.map((entry) => [entry.kind, entry.data])).toEqual([
      ['task.deleted', { key: 'ENG-1' }],
      ['task.updated', { key: 'ENG-1', fields: ['title'] }],
      ['task.created', { key: 'ENG-1', imported: true }],
    ]);
    const created = feed.find((entry) => entry.taskId === living && entry.kind === 'task.created');
    expect(created?.data).toEqual({ key: 'ENG-2', title: 'Ship the roadmap', imported: true });
  });

  it('a task.deleted entry in another workspace with the same task id hides nothing here', async () => {
    const workspaceId = randomUUID();
    const taskId = randomUUID();
    await test.db.transaction(async (session) => {
      await recordActivity(session, {
        workspaceId,
        actorId: ada.id,
        kind: 'task.created',
        taskId,
        data: { key: 'OPS-1', title: 'Still here' },
      });
      await recordActivity(session, {
        workspaceId: randomUUID(),
        actorId: ada.id,
        kind: 'task.deleted',
        taskId,
        data: { key: 'OPS-1' },
      });
    });
    const [entry] = await test.db.read((session) =>
      listActivity(session, { workspaceId, limit: 50 }),
    );
    expect(entry?.data).toEqual({ key: 'OPS-1', title: 'Still here' });
  });
});

import { IntegrityViolationError, countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { signUp, type User } from '@trellis/identity';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { listActivity, listActivityInput, recordActivity, type ActivityKind } from '../src';

const test = useTestDatabase();

let ada: User;
let grace: User;

beforeAll(async () => {
  [ada, grace] = await test.db.transaction(async (session) => [
    (await signUp(session, { email: 'ada@example.com', password: 'password-ada', name: 'Ada' }))
      .user,
    (
      await signUp(session, {
        email: 'grace@example.com',
        password: 'password-grace',
        name: 'Grace',
      })
    ).user,
  ]);
});

describe('recordActivity / listActivity', () => {
  it('lists a workspace newest first with each actor loaded, as plain data', async () => {
    const workspaceId = randomUUID();
    const taskId = randomUUID();
    await test.db.transaction((session) =>
      recordActivity(session, {
        workspaceId,
        actorId: ada.id,
        kind: 'member.added',
        data: { userId: grace.id, role: 'member' },
      }),
    );
    await test.db.transaction((session) =>
      recordActivity(session, { workspaceId, actorId: grace.id, kind: 'task.created', taskId }),
    );
    await test.db.transaction((session) =>
      recordActivity(session, { workspaceId: randomUUID(), actorId: ada.id, kind: 'task.deleted' }),
    );

    const entries = await test.db.read((session) =>
      listActivity(session, { workspaceId, limit: 10 }),
    );
    expect(entries).toEqual([
      {
        id: expect.any(String),
        kind: 'task.created',
        actor: grace,
        taskId,
        createdAt: expect.any(Date),
        data: {},
      },
      {
        id: expect.any(String),
        kind: 'member.added',
        actor: ada,
        taskId: null,
        createdAt: expect.any(Date),
        data: { userId: grace.id, role: 'member' },
      },
    ]);
    for (const entry of entries) {
      expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
      expect(Object.getPrototypeOf(entry.actor)).toBe(Object.prototype);
      expect(Object.keys(entry.actor).sort()).toEqual(['email', 'id', 'name']);
    }
  });

  it('keeps the order of entries written in one transaction and honours the limit', async () => {
    const workspaceId = randomUUID();
    const kinds: ActivityKind[] = ['task.created', 'task.updated', 'comment.added', 'task.deleted'];
    await test.db.transaction(async (session) => {
      for (const kind of kinds)
        await recordActivity(session, { workspaceId, actorId: ada.id, kind });
    });
    const entries = await test.db.read((session) =>
      listActivity(session, { workspaceId, limit: 3 }),
    );
    expect(entries.map((entry) => entry.kind)).toEqual([
      'task.deleted',
      'comment.added',
      'task.updated',
    ]);
  });

  it('loads the actors of many entries without N+1 queries', async () => {
    const workspaceId = randomUUID();
    await test.db.transaction(async (session) => {
      for (let i = 0; i < 6; i += 1) {
        await recordActivity(session, {
          workspaceId,
          actorId: i % 2 ? ada.id : grace.id,
          kind: 'task.updated',
        });
      }
    });
    const { result, queries } = await countQueries(() =>
      test.db.read((session) => listActivity(session, { workspaceId, limit: 50 })),
    );
    expect(result).toHaveLength(6);
    expect(queries).toBe(2);
  });

  it('rolls back together with the transaction it was recorded in', async () => {
    const workspaceId = randomUUID();
    await expect(
      test.db.transaction(async (session) => {
        await recordActivity(session, { workspaceId, actorId: ada.id, kind: 'task.created' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(
      await test.db.read((session) => listActivity(session, { workspaceId, limit: 50 })),
    ).toEqual([]);
  });

  it('the database rejects an unknown kind', async () => {
    await expect(
      test.db.transaction((session) =>
        recordActivity(session, {
          workspaceId: randomUUID(),
          actorId: ada.id,
          kind: 'workspace.exploded' as ActivityKind,
        }),
      ),
    ).rejects.toBeInstanceOf(IntegrityViolationError);
  });
});

describe('listActivityInput', () => {
  it('is strict, defaults the limit to 50 and bounds it to 1..100', () => {
    const workspaceId = randomUUID();
    expect(listActivityInput.parse({ workspaceId })).toEqual({ workspaceId, limit: 50 });
    expect(listActivityInput.safeParse({ workspaceId, limit: 0 }).success).toBe(false);
    expect(listActivityInput.safeParse({ workspaceId, limit: 101 }).success).toBe(false);
    expect(listActivityInput.safeParse({ workspaceId, limit: 2.5 }).success).toBe(false);
    expect(listActivityInput.safeParse({ workspaceId: 'nope' }).success).toBe(false);
    expect(listActivityInput.safeParse({ workspaceId, extra: 1 }).success).toBe(false);
  });
});

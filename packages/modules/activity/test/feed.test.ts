import { useTestDatabase } from '@trellis/db/testing';
import { signUp, type User } from '@trellis/identity';
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActivityFeedHub,
  FeedEndedError,
  feedHead,
  readFeed,
  recordActivities,
  recordActivity,
  type FeedEvent,
} from '../src';

const test = useTestDatabase();
let ada: User;

beforeAll(async () => {
  ada = await test.db.transaction(
    async (session) =>
      (await signUp(session, { email: 'ada@example.com', password: 'password-ada', name: 'Ada' }))
        .user,
  );
});

const entry = (workspaceId: string, title: string) => ({
  workspaceId,
  actorId: ada.id,
  kind: 'task.updated' as const,
  data: { title },
});

const read = (workspaceId: string, after = 0) =>
  test.db.read((session) => readFeed(session, workspaceId, after, 100));

describe('the commit-ordered feed', () => {
  it('numbers entries 1, 2, 3… per workspace at COMMIT, in commit order, whatever order they were written in', async () => {
    const workspaceId = randomUUID();
    let commitFirst!: () => void;
    const mayCommit = new Promise<void>((resolve) => (commitFirst = resolve));
    let wrote!: () => void;
    const hasWritten = new Promise<void>((resolve) => (wrote = resolve));
    const early = test.db.transaction(async (session) => {
      await recordActivity(session, entry(workspaceId, 'written first'));
      wrote();
      await mayCommit;
    });
    await hasWritten;
    await test.db.transaction((session) =>
      recordActivity(session, entry(workspaceId, 'written second')),
    );
    // Not yet committed: the first writer has no position, and the reader sees only the second.
    expect((await read(workspaceId)).map((event) => [event.seq, event.entry.data.title])).toEqual([
      [1, 'written second'],
    ]);
    commitFirst();
    await early;
    expect((await read(workspaceId)).map((event) => [event.seq, event.entry.data.title])).toEqual([
      [1, 'written second'],
      [2, 'written first'],
    ]);
    expect(await test.db.read((session) => feedHead(session, workspaceId))).toBe(2);
  });

  it('a rolled-back transaction takes no number; workspaces number apart', async () => {
    const [one, two] = [randomUUID(), randomUUID()];
    await test.db
      .transaction(async (session) => {
        await recordActivity(session, entry(one, 'rolled back'));
        throw new Error('fails');
      })
      .catch(() => undefined);
    await test.db.transaction((session) =>
      recordActivities(session, [entry(one, 'a'), entry(two, 'b'), entry(one, 'c')]),
    );
    expect((await read(one)).map((event) => [event.seq, event.entry.data.title])).toEqual([
      [1, 'a'],
      [2, 'c'],
    ]);
    expect((await read(two)).map((event) => event.seq)).toEqual([1]);
    expect((await read(one, 1)).map((event) => event.seq)).toEqual([2]);
    expect(await test.db.read((session) => feedHead(session, randomUUID()))).toBe(0);
  });
});

describe('ActivityFeedHub', () => {
  const next = async (iterator: AsyncIterator<FeedEvent>) => {
    const result = await iterator.next();
    if (result.done) throw new Error('the stream ended');
    return result.value;
  };

  it('delivers committed entries live, resumes from a position, and ends streams on close', async () => {
    const hub = new ActivityFeedHub(test.db, {
      listenUrl: test.url,
      logger: { warn: () => undefined, error: () => undefined },
      maxLag: 10,
    });
    hub.start();
    try {
      const workspaceId = randomUUID();
      await test.db.transaction((session) => recordActivity(session, entry(workspaceId, 'old')));
      const live = (await hub.subscribe(workspaceId))[Symbol.asyncIterator]();
      const resumed = (await hub.subscribe(workspaceId, 0))[Symbol.asyncIterator]();
      expect((await next(resumed)).entry.data.title).toBe('old');
      await test.db.transaction((session) => recordActivity(session, entry(workspaceId, 'new')));
      const [fromLive, fromResumed] = await Promise.all([next(live), next(resumed)]);
      expect([fromLive.seq, fromLive.entry.data.title]).toEqual([2, 'new']);
      // One entry object for every subscriber: serialized once by whoever writes the streams.
      expect(fromResumed).toBe(fromLive);
      expect(hub.openSubscriptions).toBe(2);
      const ending = expect(live.next()).rejects.toBeInstanceOf(FeedEndedError);
      await hub.close();
      await ending;
      await expect(resumed.next()).rejects.toMatchObject({ reason: 'shutting down' });
    } finally {
      await hub.close();
    }
  });
});

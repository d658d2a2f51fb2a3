import { useTestDatabase } from '@trellis/db/testing';
import { signUp } from '@trellis/identity';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listActivity, recordActivity } from '../src';

const test = useTestDatabase();

describe('listActivity pages with `before`', () => {
  it('continues after the last entry shown, each entry once, while new entries arrive', async () => {
    const { user } = await test.db.transaction((session) =>
      signUp(session, { email: 'pager@example.com', password: 'password-pager', name: 'P' }),
    );
    const workspaceId = randomUUID();
    const record = (n: number) =>
      test.db.transaction((session) =>
        recordActivity(session, {
          workspaceId,
          actorId: user.id,
          kind: 'task.created',
          taskId: randomUUID(),
          data: { key: `P-${n}` },
        }),
      );
    for (let n = 1; n <= 25; n += 1) await record(n);

    const keys: unknown[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await test.db.read((session) =>
        listActivity(session, { workspaceId, limit: 10, ...(before ? { before } : {}) }),
      );
      if (page.length === 0) break;
      keys.push(...page.map((entry) => entry.data.key));
      before = page.at(-1)!.id;
      if (keys.length === 10) await record(26); // newer than every page: shifts nothing
    }
    expect(keys).toEqual(Array.from({ length: 25 }, (_, n) => `P-${25 - n}`));

    // Another workspace's entry id as the cursor finds nothing of this workspace.
    const other = randomUUID();
    await test.db.transaction((session) =>
      recordActivity(session, { workspaceId: other, actorId: user.id, kind: 'task.created' }),
    );
    const [foreign] = await test.db.read((session) =>
      listActivity(session, { workspaceId: other }),
    );
    expect(
      await test.db.read((session) => listActivity(session, { workspaceId, before: foreign!.id })),
    ).toEqual([]);
  });
});

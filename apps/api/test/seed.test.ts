import { findUserByEmail } from '@trellis/identity';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../src/seed/demo-accounts';
import { seedDemo } from '../src/seed/seed-demo';
import { failInsertsInto } from './fixtures';
import { useApi } from './harness';

const api = useApi();

describe('demo seed: all or nothing', () => {
  it('a seed that fails halfway leaves no partial workspace, and the next run seeds it whole', async () => {
    const owner = api.database.openAsOwner();
    // Users, workspace, projects and labels are written, then the first comment fails: the
    // same place as a Ctrl-C or a lost connection after the first batch of tasks.
    const restore = await failInsertsInto(owner, 'comments', 'seed interrupted');
    let progress = 0;
    await expect(
      seedDemo(api.db, { tasks: 600, onProgress: (written) => (progress = written) }),
    ).rejects.toThrow();
    expect(progress).toBe(0);
    await restore();

    const leftOver = await api.db.read((session) =>
      findUserByEmail(session, DEMO_ACCOUNTS[0].email),
    );
    expect(leftOver).toBeFalsy();
    const counts = await owner.knex.raw<{ rows: Array<{ tasks: string; workspaces: string }> }>(
      'select (select count(*) from tasks) as tasks, (select count(*) from workspaces) as workspaces',
    );
    expect(counts.rows[0]).toEqual({ tasks: '0', workspaces: '0' });

    const result = await seedDemo(api.db, { tasks: 600 });
    expect(result).toMatchObject({ seeded: true, tasks: 600 });
    expect(await seedDemo(api.db, { tasks: 600 })).toMatchObject({ seeded: false });
  });
});

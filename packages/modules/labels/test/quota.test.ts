import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError } from '@trellis/kernel';
import { registerUsers, workspaceWith, type Person } from '@trellis/workspaces/testing';
import { describe, expect, it } from 'vitest';
import { createLabel, listLabels, MAX_LABELS_PER_WORKSPACE } from '../src';

const test = useTestDatabase();

describe('labels per workspace', () => {
  it('a workspace holds at most MAX_LABELS_PER_WORKSPACE labels, so labels.list stays bounded; others are not affected', async () => {
    const [owner, other] = (await registerUsers(test.db, ['owner', 'other'])) as [Person, Person];
    const full = await workspaceWith(test.db, owner, 'full', []);
    const roomy = await workspaceWith(test.db, other, 'roomy', []);
    // Filled by SQL up to one below the quota (the service would take one request per label).
    await test.db.knex.raw(
      `insert into labels (workspace_id, name, color)
       select ?, 'label ' || n, '#000000' from generate_series(1, ?) as n`,
      [full, MAX_LABELS_PER_WORKSPACE - 1],
    );
    const create = (workspaceId: string, actor: Person, name: string) =>
      test.db.transaction((session) =>
        createLabel(session, actor, { workspaceId, name, color: '#123456' }),
      );
    expect((await create(full, owner, 'the last one')).name).toBe('the last one');
    const refused = await create(full, owner, 'one too many').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/at most 500 labels/);
    const labels = await test.db.read((session) =>
      listLabels(session, owner, { workspaceId: full }),
    );
    expect(labels).toHaveLength(MAX_LABELS_PER_WORKSPACE);
    expect((await create(roomy, other, 'fine')).name).toBe('fine');
  });
});

import { describe, expect, it } from 'vitest';
import { grantRuntimePrivileges } from '../src/database/runtime-privileges';
import { createWorld } from './fixtures';
import { useApi } from './harness';

const api = useApi();

/** The SQLSTATE of a statement that must fail. */
async function refusal(work: Promise<unknown>): Promise<{ code: string }> {
  try {
    await work;
  } catch (error) {
    return { code: (error as { code?: string }).code ?? '' };
  }
  throw new Error('expected the statement to be refused');
}

/**
 * Every API test file runs its server as the runtime role (test/global-setup.ts), the way
 * production runs it: these tests show what that role cannot do, over the very connection
 * pool the API serves requests with.
 */
describe('the runtime database role', () => {
  it('is what the API connects as, and it owns nothing', async () => {
    const { rows } = await api.db.knex.raw<{ rows: Array<{ user: string; owns: number }> }>(
      `select current_user as user,
              (select count(*)::int from pg_tables where schemaname = 'public'
                  and tableowner = current_user) as owns`,
    );
    expect(rows[0]).toEqual({ user: 'trellis_test_runtime', owns: 0 });
  });

  it('cannot drop, alter, truncate or create a table', async () => {
    for (const statement of [
      'drop table tasks',
      'drop table activity',
      'alter table users add column pwned text',
      'truncate sign_in_failures',
      'create table pwned (id int)',
      'create index pwned_idx on tasks (title)',
    ]) {
      const { code } = await refusal(api.db.knex.raw(statement));
      // 42501 insufficient_privilege; "must be owner" is the same code.
      expect({ statement, code }).toEqual({ statement, code: '42501' });
    }
  });

  it('appends to the activity feed but cannot rewrite or erase it', async () => {
    const world = await createWorld(api, 'LOG');
    await world.owner.client.tasks.create.mutate({ projectId: world.project.id, title: 'kept' });
    const before = await api.db.knex('activity').where({ workspace_id: world.workspace.id });
    expect(before).toHaveLength(1);
    const update = await refusal(
      api.db.knex('activity').where({ workspace_id: world.workspace.id }).update({ data: {} }),
    );
    expect(update.code).toBe('42501');
    const erase = await refusal(
      api.db.knex('activity').where({ workspace_id: world.workspace.id }).delete(),
    );
    expect(erase.code).toBe('42501');
    expect(await api.db.knex('activity').where({ workspace_id: world.workspace.id })).toEqual(
      before,
    );
  });

  it('cannot read or write the migration bookkeeping', async () => {
    const { code } = await refusal(api.db.knex('knex_migrations').select('name'));
    expect(code).toBe('42501');
  });

  it('the grants step after migrating covers new tables, removes stale rights, and can run again', async () => {
    const owner = api.database.openAsOwner();
    const role = 'trellis_test_runtime';
    await owner.knex.raw('create table later_module_table (id int)');
    await owner.knex.raw('grant update, delete on activity to ??', [role]); // a stale right
    await grantRuntimePrivileges(owner.knex, role);
    await grantRuntimePrivileges(owner.knex, role);
    await api.db.knex('later_module_table').insert({ id: 1 });
    expect(await api.db.knex('later_module_table').update({ id: 2 })).toBe(1);
    expect((await refusal(api.db.knex('activity').delete())).code).toBe('42501');
    expect((await refusal(api.db.knex.raw('drop table later_module_table'))).code).toBe('42501');
  });

  it('still has every data right the API needs: the rest of the suite runs on it', async () => {
    const world = await createWorld(api, 'RUN');
    const c = world.owner.client;
    const task = await c.tasks.create.mutate({ projectId: world.project.id, title: 'x' });
    await c.tasks.update.mutate({ id: task.id, version: task.version, title: 'y' });
    await c.tasks.delete.mutate({ id: task.id });
    expect(await c.activity.list.query({ workspaceId: world.workspace.id })).toHaveLength(3);
  });
});

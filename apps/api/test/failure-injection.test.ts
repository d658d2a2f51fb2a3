import { describe, expect, it } from 'vitest';
import { createWorld } from './fixtures';
import { failureOf, useApi } from './harness';

const api = useApi();

describe('a failure halfway through a mutation leaves no trace', () => {
  it('a failure after the task row is written but before the activity row rolls back the whole create', async () => {
    const world = await createWorld(api, 'FAIL');
    const c = world.owner.client;
    await c.tasks.create.mutate({ projectId: world.project.id, title: 'first' });

    // The fault: the activity insert of this one task fails, after the task row was inserted.
    await api.database.openAsOwner().knex.raw(`
      create function fail_on_doomed_task() returns trigger language plpgsql as $$
      begin
        if new.kind = 'task.created' and new.data->>'title' = 'doomed' then
          raise exception 'injected failure';
        end if;
        return new;
      end $$;
      create trigger fail_on_doomed_task before insert on activity
        for each row execute function fail_on_doomed_task();
    `);

    const failure = await failureOf(
      c.tasks.create.mutate({
        projectId: world.project.id,
        title: 'doomed',
        labelIds: [world.label.id],
      }),
    );
    expect(failure.code).toBe('INTERNAL_SERVER_ERROR');
    // The client learns nothing about the cause: no SQL, no stack.
    expect(failure.message).toBe('Internal server error');
    expect(JSON.stringify(failure.data)).not.toMatch(/injected|stack|insert|activity/i);

    const page = await c.tasks.list.query({ projectId: world.project.id });
    expect(page.items.map((task) => task.title)).toEqual(['first']);
    const activity = await c.activity.list.query({ workspaceId: world.workspace.id });
    expect(activity.filter((entry) => entry.kind === 'task.created')).toHaveLength(1);
    const links = await api.db.knex('task_labels').count<{ count: string }[]>({ count: '*' });
    expect(Number(links[0]?.count)).toBe(0);

    // No number was consumed: the next task takes the one the failed create would have had.
    const next = await c.tasks.create.mutate({ projectId: world.project.id, title: 'second' });
    expect(next.number).toBe(2);
    expect(next.key).toBe('FAIL-2');
    expect(api.db.poolStats().used).toBe(0);
  });
});

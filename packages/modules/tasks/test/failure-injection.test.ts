import { listActivity } from '@trellis/activity';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTasks } from '../src';
import { buildWorld, createProjectIn, createTaskAs, type World } from './fixtures';

const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
  // This file's own database: the activity insert of task 'explode' fails, AFTER the task row
  // (and its number, and its label links) were written in the same transaction.
  await test.db.knex.raw(`
    create function fail_task_created() returns trigger language plpgsql as $$
    begin
      if new.kind = 'task.created' and new.data ->> 'title' = 'explode' then
        raise exception 'injected failure while recording activity';
      end if;
      return new;
    end $$;
    create trigger activity_fail_task_created before insert on activity
      for each row execute function fail_task_created();
  `);
});

describe('a failure between the task row and its activity entry', () => {
  it('rolls the whole create back: no task, no activity, no gap in the numbers', async () => {
    const project = await createProjectIn(test.db, world.owner, world.workspace, 'FAIL');
    const first = await createTaskAs(test.db, world.owner, { projectId: project.id, title: 'ok' });
    expect(first.key).toBe('FAIL-1');

    await expect(
      createTaskAs(test.db, world.owner, {
        projectId: project.id,
        title: 'explode',
        labelIds: [world.bug.id],
        assigneeId: world.member.user.id,
      }),
    ).rejects.toThrow(/injected failure/);

    const counts = await test.db.read(async (session) => {
      const result = await session.raw<{
        rows: Array<{ tasks: number; links: number; last: number }>;
      }>(
        `select (select count(*)::int from tasks where title = 'explode') as tasks,
                (select count(*)::int from task_labels tl join tasks t on t.id = tl.task_id
                  where t.project_id = ?) as links,
                (select last_task_number from projects where id = ?) as last`,
        [project.id, project.id],
      );
      return result.rows[0];
    });
    expect(counts).toEqual({ tasks: 0, links: 0, last: 1 });
    const entries = await test.db.read((session) =>
      listActivity(session, { workspaceId: world.workspace.id, limit: 100 }),
    );
    expect(entries.filter((entry) => entry.data.title === 'explode')).toEqual([]);

    const next = await createTaskAs(test.db, world.owner, {
      projectId: project.id,
      title: 'after',
    });
    expect(next.key).toBe('FAIL-2');
    const page = await test.db.read((session) =>
      listTasks(session, world.owner.actor, { projectId: project.id }),
    );
    expect(page.items.map((item) => item.key)).toEqual(['FAIL-2', 'FAIL-1']);
  });
});

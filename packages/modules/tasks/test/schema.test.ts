import { IntegrityViolationError, UniqueViolationError } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, createTaskAs, type World } from './fixtures';

/** The database keeps the rules even against writes that skip the services. */
const test = useTestDatabase();
let world: World;

beforeAll(async () => {
  world = await buildWorld(test.db);
});

const insertTask = (columns: Record<string, unknown>) =>
  test.db.transaction((session) =>
    session.knex('tasks').insert({
      project_id: world.project.id,
      number: 1000,
      title: 'Raw',
      reporter_id: world.owner.user.id,
      ...columns,
    }),
  );

async function plan(sql: string, bindings: string[]): Promise<string> {
  return test.db.transaction(async (session) => {
    // A few rows only: make the planner show whether the index CAN serve the query.
    await session.raw('set local enable_seqscan = off');
    const result = await session.raw<{ rows: Array<{ 'QUERY PLAN': string }> }>(
      `explain ${sql}`,
      bindings,
    );
    return result.rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

describe('tasks schema', () => {
  it('stores the words of each title, and keeps them when the title changes', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Rotate the Signing keys',
    });
    const wordsOf = () =>
      test.db.read(async (session) => {
        const [row] = await session.query<{ words: string }>(
          'select title_words::text as words from tasks where id = $1',
          [task.id],
        );
        return row?.words;
      });
    expect(await wordsOf()).toBe("'keys':4 'rotate':1 'signing':3 'the':2");
    await test.db.transaction((session) =>
      session.knex('tasks').where({ id: task.id }).update({ title: 'Archive logs' }),
    );
    expect(await wordsOf()).toBe("'archive':1 'logs':2");
  });

  it('numbers are unique per project', async () => {
    const task = await createTaskAs(test.db, world.owner, {
      projectId: world.project.id,
      title: 'Numbered',
    });
    const error = await insertTask({ number: task.number }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).constraint).toBe('tasks_project_number_key');
  });

  it.each([
    [{ status: 'doing' }, 'tasks_status_check'],
    [{ priority: 'critical' }, 'tasks_priority_check'],
    [{ title: '   ' }, 'tasks_title_length'],
    [{ number: 0 }, 'tasks_number_positive'],
    [{ version: 0 }, 'tasks_version_positive'],
  ])('rejects %j by CHECK %s', async (columns, constraint) => {
    const error = await insertTask(columns).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntegrityViolationError);
    expect((error as IntegrityViolationError).constraint).toBe(constraint);
  });

  it('the title search and the newest-first page can use their indexes', async () => {
    const search = await plan(
      "select id from tasks where tasks.title_words @@ plainto_tsquery('simple', ?)",
      ['login'],
    );
    expect(search).toContain('tasks_title_words_idx');
    const statusAndAssignee = await plan(
      'select id from tasks where project_id = ? and status = ? and assignee_id = ? order by number desc limit 51',
      [world.project.id, 'todo', world.owner.user.id],
    );
    expect(statusAndAssignee).toMatch(
      /Index Scan Backward using tasks_project_status_assignee_number_idx/,
    );
    const page = await plan(
      'select id from tasks where project_id = ? and number < 50 order by number desc limit 51',
      [world.project.id],
    );
    expect(page).toMatch(/Index Scan Backward using tasks_project_number_key/);
    const byLabel = await plan('select task_id from task_labels where label_id = ?', [
      world.bug.id,
    ]);
    expect(byLabel).toContain('task_labels_label_idx');
  });
});

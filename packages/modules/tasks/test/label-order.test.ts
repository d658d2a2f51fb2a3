import { useTestDatabase } from '@trellis/db/testing';
import { listLabels } from '@trellis/labels';
import { describe, expect, it } from 'vitest';
import { getTask, listTasks, updateTask } from '../src';
import {
  buildWorld,
  createLabelIn,
  createProjectIn,
  createTaskAs,
  createWorkspaceOf,
} from './fixtures';

const test = useTestDatabase();

describe("a task's labels: in @trellis/labels' order, whichever path read them", () => {
  it('create, update, get and list give the order labels.list gives', async () => {
    // A collation whose order is not JavaScript's code-unit order (where this server has ICU),
    // so a second, JS-side sort of a task's labels would show up as a different order.
    const icu = await test.db.knex.raw<{ rows: unknown[] }>(
      "select 1 from pg_collation where collname = 'und-x-icu'",
    );
    if (icu.rows.length > 0) {
      await test.db.knex.raw('alter table labels alter column name type text collate "und-x-icu"');
    }
    const world = await buildWorld(test.db);
    const workspace = await createWorkspaceOf(test.db, world.owner);
    const project = await createProjectIn(test.db, world.owner, workspace, 'ORD');
    // Names whose JS code-unit order (after toLowerCase) differs from SQL lower() under most
    // collations: punctuation, an uppercase twin's neighbour, an accent, digits.
    const labels = [];
    for (const name of ['_zeta', 'alpha', 'Beta', 'Ära', 'b2', 'a-10', 'a9'])
      labels.push(await createLabelIn(test.db, world.owner, workspace, name));
    const listed = await test.db.read((session) =>
      listLabels(session, world.owner.actor, { workspaceId: workspace.id }),
    );
    const expected = listed.map((label) => label.name);
    const ids = [...labels].reverse().map((label) => label.id);

    const created = await createTaskAs(test.db, world.owner, {
      projectId: project.id,
      title: 'ordered',
      labelIds: ids,
    });
    expect(created.labels.map((label) => label.name)).toEqual(expected);

    const fetched = await test.db.read((session) =>
      getTask(session, world.owner.actor, { id: created.id }),
    );
    expect(fetched.labels.map((label) => label.name)).toEqual(expected);

    const page = await test.db.read((session) =>
      listTasks(session, world.owner.actor, { projectId: project.id }),
    );
    expect(page.items[0]!.labels.map((label) => label.name)).toEqual(expected);

    const updated = await test.db.transaction((session) =>
      updateTask(session, world.owner.actor, {
        id: created.id,
        version: created.version,
        labelIds: [...ids].sort(),
      }),
    );
    expect(updated.labels.map((label) => label.name)).toEqual(expected);
    const renamed = await test.db.transaction((session) =>
      updateTask(session, world.owner.actor, {
        id: created.id,
        version: updated.version,
        title: 'still ordered',
      }),
    );
    expect(renamed.labels.map((label) => label.name)).toEqual(expected);
  });
});

import type { Knex, Migration } from '@trellis/db';

/** The labels on a task: a join table that goes with either side (ON DELETE CASCADE). */
export const createTaskLabels: Migration = {
  name: '20261125150200_tasks_create_task_labels',
  async up(knex: Knex) {
    await knex.raw(`
      create table task_labels (
        task_id uuid not null references tasks (id) on delete cascade,
        label_id uuid not null references labels (id) on delete cascade,
        created_at timestamptz not null default now(),
        constraint task_labels_pkey primary key (task_id, label_id)
      )
    `);
    // The primary key serves "labels of these tasks"; this one serves "tasks with this label".
    await knex.raw('create index task_labels_label_idx on task_labels (label_id, task_id)');
  },
  async down(knex: Knex) {
    await knex.raw('drop table task_labels');
  },
};

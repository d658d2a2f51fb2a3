import type { Knex, Migration } from '@trellis/db';

/** Comments belong to one task and go with it (ON DELETE CASCADE). */
export const createComments: Migration = {
  name: '20261125150100_tasks_create_comments',
  async up(knex: Knex) {
    await knex.raw(`
      create table comments (
        id uuid primary key default gen_random_uuid(),
        task_id uuid not null references tasks (id) on delete cascade,
        author_id uuid not null references users (id),
        body text not null,
        -- clock_timestamp(): comments written in one transaction keep their order.
        created_at timestamptz not null default clock_timestamp(),
        updated_at timestamptz not null default now(),
        constraint comments_body_length check (char_length(btrim(body)) between 1 and 10000)
      )
    `);
    // getTask reads a task's comments oldest first; the count subquery of listTasks uses it too.
    await knex.raw('create index comments_task_created_idx on comments (task_id, created_at, id)');
    await knex.raw('create index comments_author_idx on comments (author_id)');
  },
  async down(knex: Knex) {
    await knex.raw('drop table comments');
  },
};

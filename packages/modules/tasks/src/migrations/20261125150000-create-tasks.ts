import type { Knex, Migration } from '@trellis/db';

/**
 * Tasks, numbered per project. `number` comes from `projects.last_task_number` (owned by the
 * projects module) through its reserveTaskNumbers; the unique constraint is the last line of
 * defence against a duplicate. Its b-tree index on (project_id, number) also serves the
 * newest-first listing and the keyset pagination (scanned backwards).
 */
export const createTasks: Migration = {
  name: '20261125150000_tasks_create_tasks',
  async up(knex: Knex) {
    await knex.raw(`
      create table tasks (
        id uuid primary key default gen_random_uuid(),
        project_id uuid not null references projects (id) on delete cascade,
        number integer not null,
        title text not null,
        description text,
        status text not null default 'todo',
        priority text not null default 'none',
        assignee_id uuid references users (id) on delete set null,
        reporter_id uuid not null references users (id),
        due_date timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint tasks_project_number_key unique (project_id, number),
        constraint tasks_number_positive check (number > 0),
        constraint tasks_version_positive check (version > 0),
        constraint tasks_title_length check (char_length(btrim(title)) between 1 and 200),
        constraint tasks_description_length check (char_length(description) <= 20000),
        constraint tasks_status_check
          check (status in ('backlog', 'todo', 'in_progress', 'done', 'canceled')),
        constraint tasks_priority_check
          check (priority in ('none', 'low', 'medium', 'high', 'urgent'))
      )
    `);
    // Full-text search on title words (listTasks `search`); the expression must match the query's.
    await knex.raw(
      `create index tasks_title_search_idx on tasks using gin (to_tsvector('simple', title))`,
    );
    await knex.raw(
      'create index tasks_assignee_idx on tasks (assignee_id, project_id) where assignee_id is not null',
    );
    await knex.raw('create index tasks_reporter_idx on tasks (reporter_id)');
    // countOpenTasks: only the open tasks of each project.
    await knex.raw(
      `create index tasks_open_by_project_idx on tasks (project_id) where status not in ('done', 'canceled')`,
    );
  },
  async down(knex: Knex) {
    await knex.raw('drop table tasks');
  },
};

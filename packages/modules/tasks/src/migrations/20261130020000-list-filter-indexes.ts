import type { Knex, Migration } from '@trellis/db';

/**
 * listTasks at scale (issue 10, growth): a page is the newest tasks of a project that pass the
 * filters, read by walking (project_id, number) backwards until the page is full. A filter the
 * walk cannot see in its index makes it read past every task that fails the filter; the two
 * indexes below put the status and the assignee filters (and both together, via either index
 * plus one filter) in the index itself, in the keyset order, so a filtered page reads about
 * its own rows however big the project grows. `assignee_id is null` (unassigned) uses the
 * second one too (b-tree indexes keep nulls).
 *
 * Parallel workers are off for tasks: every read of it is a keyset page or a lookup that
 * returns in milliseconds, and starting workers costs more than that on a busy machine (the
 * planner picked a parallel index scan for the 1M-task project, 60-200 ms of worker start-up
 * for a 51-row page), while the API's pool already runs ten statements at once.
 */
export const listFilterIndexes: Migration = {
  name: '20261130020000_tasks_list_filter_indexes',
  async up(knex: Knex) {
    await knex.raw(
      'create index tasks_project_status_number_idx on tasks (project_id, status, number)',
    );
    await knex.raw(
      'create index tasks_project_assignee_number_idx on tasks (project_id, assignee_id, number)',
    );
    await knex.raw('alter table tasks set (parallel_workers = 0)');
  },
  async down(knex: Knex) {
    await knex.raw('alter table tasks reset (parallel_workers)');
    await knex.raw('drop index tasks_project_assignee_number_idx');
    await knex.raw('drop index tasks_project_status_number_idx');
  },
};

import type { Knex, Migration } from '@trellis/db';

/**
 * Status and assignee together, in the keyset order (issue 10, growth). "My tasks in
 * progress" is a board's everyday filter; with (project_id, status, number) alone the walk
 * reads every task of the status and drops the others' (three in four, with four writers), so
 * a page that also filters by label or search read 10,800 rows of the 1M-task project to find
 * its 51, against 2,500 with this index (2.4 ms instead of 5.9 for the statement).
 */
export const statusAssigneeIndex: Migration = {
  name: '20261207100100_tasks_status_assignee_index',
  async up(knex: Knex) {
    await knex.raw(
      'create index tasks_project_status_assignee_number_idx on tasks (project_id, status, assignee_id, number)',
    );
  },
  async down(knex: Knex) {
    await knex.raw('drop index tasks_project_status_assignee_number_idx');
  },
};

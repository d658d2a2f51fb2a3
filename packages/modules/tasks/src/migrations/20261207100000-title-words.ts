import type { Knex, Migration } from '@trellis/db';

/**
 * The words of each title, stored (issue 10, growth). A search that also filters by status,
 * assignee or label walks the page's index and tests each row it meets; with only the
 * expression index, every such test computed `to_tsvector('simple', title)` again, about 2 µs
 * a row: most of the walk's time at 1M tasks (a four-filter page: 8 ms of its statement, of
 * which the heap reads were 2). PostgreSQL's documentation recommends the stored column for
 * exactly this ("searches will be faster, since it will not be necessary to redo the
 * to_tsvector calls to verify index matches").
 *
 * Expand, not contract: the previous release searches `to_tsvector('simple', title)`, so its
 * expression index (tasks_title_search_idx) stays while both releases may run side by side; a
 * later release drops it. Adding a stored generated column rewrites the table under an
 * exclusive lock (about 10 s at 1M tasks on the bench machine): see docs/deployment.md.
 */
export const titleWords: Migration = {
  name: '20261207100000_tasks_title_words',
  async up(knex: Knex) {
    await knex.raw(
      "alter table tasks add column title_words tsvector generated always as (to_tsvector('simple', title)) stored",
    );
    await knex.raw('create index tasks_title_words_idx on tasks using gin (title_words)');
    // A new column has no statistics until autovacuum analyzes the table: without them the planner
    // takes a frequent word for a rare one and reads all its matches through the GIN index
    // (a search for "cache" at 1M tasks: 15 ms instead of 4) until autovacuum next analyzes.
    await knex.raw('analyze tasks (title_words)');
  },
  async down(knex: Knex) {
    await knex.raw('alter table tasks drop column title_words');
  },
};

import type { Knex } from 'knex';

/**
 * A schema change owned by a package. Names start with a UTC timestamp
 * (`20261125120000_tasks_create_tasks`), so the migrations of every package apply in one
 * global order however they were collected.
 */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

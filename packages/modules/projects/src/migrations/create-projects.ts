import type { Knex, Migration } from '@trellis/db';

/**
 * Projects of a workspace. `key` (e.g. `WEB`) is unique per workspace and prefixes task keys;
 * `last_task_number` is the counter the tasks module's allocator increments.
 */
export const createProjects: Migration = {
  name: '20261125130000_projects_create_projects',
  async up(knex: Knex) {
    await knex.schema.createTable('projects', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
      table.text('key').notNullable();
      table.text('name').notNullable();
      table.integer('last_task_number').notNullable().defaultTo(0);
      table.timestamps(true, true);
      table.unique(['workspace_id', 'key'], { indexName: 'projects_workspace_id_key_key' });
    });
    await knex.raw(`
      alter table projects
        add constraint projects_key_format check (key ~ '^[A-Z][A-Z0-9]{1,9}$'),
        add constraint projects_name_length check (char_length(btrim(name)) between 1 and 100),
        add constraint projects_last_task_number_not_negative check (last_task_number >= 0)
    `);
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('projects');
  },
};

import type { Knex, Migration } from '@trellis/db';

/** Labels of a workspace. Names are unique per workspace regardless of case. */
export const createLabels: Migration = {
  name: '20261125140000_labels_create_labels',
  async up(knex: Knex) {
    await knex.schema.createTable('labels', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
      table.text('name').notNullable();
      table.text('color').notNullable();
      table.timestamps(true, true);
    });
    await knex.raw(`
      alter table labels
        add constraint labels_name_length check (char_length(btrim(name)) between 1 and 50),
        add constraint labels_color_format check (color ~ '^#[0-9a-f]{6}$')
    `);
    // Also serves listing a workspace's labels ordered by lower(name).
    await knex.raw(
      'create unique index labels_workspace_id_name_key on labels (workspace_id, lower(name))',
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('labels');
  },
};

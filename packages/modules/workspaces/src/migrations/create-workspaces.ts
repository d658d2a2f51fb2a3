import type { Knex, Migration } from '@trellis/db';

/** Tenants, and who belongs to each with which role. */
export const createWorkspaces: Migration = {
  name: '20261125120000_workspaces_create_tables',
  async up(knex: Knex) {
    await knex.schema.createTable('workspaces', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.text('name').notNullable();
      table.text('slug').notNullable().unique({ indexName: 'workspaces_slug_key' });
      table.timestamps(true, true);
    });
    await knex.raw(`
      alter table workspaces
        add constraint workspaces_name_length check (char_length(btrim(name)) between 1 and 100),
        add constraint workspaces_slug_format
          check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) between 3 and 40)
    `);

    await knex.schema.createTable('memberships', (table) => {
      table.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
      table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
      table.text('role').notNullable();
      table.timestamps(true, true);
      table.primary(['workspace_id', 'user_id'], { constraintName: 'memberships_pkey' });
      table.index(['user_id'], 'memberships_user_id_idx');
    });
    await knex.raw(`
      alter table memberships
        add constraint memberships_role_known check (role in ('owner', 'admin', 'member', 'viewer'))
    `);
    await knex.raw(
      "create unique index memberships_one_owner on memberships (workspace_id) where role = 'owner'",
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('memberships');
    await knex.schema.dropTable('workspaces');
  },
};

import type { Knex, Migration } from '@trellis/db';

/**
 * The workspace activity feed. `workspace_id` and `task_id` have no foreign keys on purpose:
 * workspaces and tasks sit above this module, and entries outlive deleted tasks.
 * `created_at` defaults to clock_timestamp() so entries written in one transaction keep their order.
 */
export const createActivity: Migration = {
  name: '20261125110000_activity_create_activity',
  async up(knex: Knex) {
    await knex.schema.createTable('activity', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.uuid('workspace_id').notNullable();
      table.uuid('actor_id').notNullable().references('users.id').onDelete('RESTRICT');
      table.text('kind').notNullable();
      table.uuid('task_id');
      table.jsonb('data').notNullable().defaultTo(knex.raw("'{}'::jsonb"));
      table
        .timestamp('created_at', { useTz: true })
        .notNullable()
        .defaultTo(knex.raw('clock_timestamp()'));
      table.index(['actor_id'], 'activity_actor_id_idx');
    });
    await knex.raw(`
      alter table activity
        add constraint activity_kind_known check (kind in (
          'task.created', 'task.updated', 'task.deleted', 'comment.added',
          'member.added', 'member.removed'
        )),
        add constraint activity_data_is_object check (jsonb_typeof(data) = 'object')
    `);
    await knex.raw(
      'create index activity_workspace_feed_idx on activity (workspace_id, created_at desc, id desc)',
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('activity');
  },
};

import type { Knex, Migration } from '@trellis/db';

/**
 * Failed sign-ins per subject (an email or a client address) in the current window. Kept in
 * PostgreSQL, not in process memory, so every API instance behind a load balancer shares them.
 */
export const createSignInFailures: Migration = {
  name: '20261125100002_identity_create_sign_in_failures',
  async up(knex: Knex) {
    await knex.schema.createTable('sign_in_failures', (table) => {
      table.text('subject').primary();
      table.integer('failures').notNullable();
      table.timestamp('window_started_at', { useTz: true }).notNullable();
      table.timestamp('last_failed_at', { useTz: true }).notNullable();
    });
    await knex.raw(
      'alter table sign_in_failures add constraint sign_in_failures_failures_positive check (failures > 0)',
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('sign_in_failures');
  },
};

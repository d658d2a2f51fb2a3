import type { Knex, Migration } from '@trellis/db';

/** Accounts. The email is stored normalised (trimmed, lower-case) and is unique. */
export const createUsers: Migration = {
  name: '20261125100000_identity_create_users',
  async up(knex: Knex) {
    await knex.schema.createTable('users', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.text('email').notNullable().unique({ indexName: 'users_email_key' });
      table.text('name').notNullable();
      table.text('password_hash').notNullable();
      table.timestamps(true, true);
    });
    await knex.raw(`
      alter table users
        add constraint users_email_normalized check (email = lower(btrim(email))),
        add constraint users_email_format check (email ~ '^[^@\\s]+@[^@\\s]+$' and char_length(email) <= 254),
        add constraint users_name_length check (char_length(btrim(name)) between 1 and 100),
        add constraint users_password_hash_format check (password_hash like 'scrypt$%')
    `);
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('users');
  },
};

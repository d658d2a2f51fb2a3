import type { Knex, Migration } from '@trellis/db';

/** Bearer tokens: only the SHA-256 of each token is stored; a token expires and can be revoked. */
export const createAuthTokens: Migration = {
  name: '20261125100001_identity_create_auth_tokens',
  async up(knex: Knex) {
    await knex.schema.createTable('auth_tokens', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
      table.text('token_hash').notNullable().unique({ indexName: 'auth_tokens_token_hash_key' });
      table.timestamp('expires_at', { useTz: true }).notNullable();
      table.timestamp('revoked_at', { useTz: true });
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.index(['user_id'], 'auth_tokens_user_id_idx');
    });
    await knex.raw(
      "alter table auth_tokens add constraint auth_tokens_token_hash_format check (token_hash ~ '^[0-9a-f]{64}$')",
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('auth_tokens');
  },
};

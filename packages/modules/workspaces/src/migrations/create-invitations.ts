import type { Knex, Migration } from '@trellis/db';

/**
 * Invitations: the only way into a workspace. A row stays after it is answered (its status
 * says how) so the per-inviter throttle can count what was sent; at most one pending
 * invitation per workspace and email.
 */
export const createInvitations: Migration = {
  name: '20261125120100_workspaces_create_invitations',
  async up(knex: Knex) {
    await knex.schema.createTable('invitations', (table) => {
      table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
      table.uuid('workspace_id').notNullable().references('workspaces.id').onDelete('CASCADE');
      table.text('email').notNullable();
      table.text('role').notNullable();
      table.uuid('inviter_id').notNullable().references('users.id').onDelete('CASCADE');
      table.text('status').notNullable().defaultTo('pending');
      table.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp('expires_at', { useTz: true }).notNullable();
      table.timestamp('answered_at', { useTz: true });
      table.timestamps(true, true);
      table.index(['inviter_id', 'sent_at'], 'invitations_inviter_sent_idx');
    });
    await knex.raw(`
      alter table invitations
        add constraint invitations_role_invitable check (role in ('admin', 'member', 'viewer')),
        add constraint invitations_status_known
          check (status in ('pending', 'accepted', 'declined', 'revoked')),
        add constraint invitations_email_lower_case check (email = lower(email)),
        add constraint invitations_answered check ((status = 'pending') = (answered_at is null))
    `);
    await knex.raw(
      "create unique index invitations_one_pending on invitations (workspace_id, email) where status = 'pending'",
    );
    await knex.raw(
      "create index invitations_pending_by_email on invitations (email) where status = 'pending'",
    );
  },
  async down(knex: Knex) {
    await knex.schema.dropTable('invitations');
  },
};

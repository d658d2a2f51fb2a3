import type { Knex, Migration } from '@trellis/db';

/**
 * Every workspace has exactly one owner. `memberships_one_owner` (a partial unique index)
 * already refuses a second one; these deferred constraint triggers refuse none: at commit,
 * each workspace a transaction touched must have an owner (a deleted workspace needs none).
 * Deferred, so an ownership transfer may demote the old owner before promoting the new one.
 */
export const requireOneOwner: Migration = {
  name: '20261125120200_workspaces_require_one_owner',
  async up(knex: Knex) {
    await knex.raw(`
      create function workspace_has_an_owner(workspace uuid) returns void
      language plpgsql as $$
      begin
        if exists (select 1 from workspaces where id = workspace)
           and not exists (
             select 1 from memberships where workspace_id = workspace and role = 'owner'
           ) then
          raise exception 'workspace % has no owner', workspace
            using errcode = 'check_violation', constraint = 'workspaces_exactly_one_owner';
        end if;
      end $$;

      create function memberships_keep_an_owner() returns trigger
      language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then perform workspace_has_an_owner(old.workspace_id); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform workspace_has_an_owner(new.workspace_id); end if;
        return null;
      end $$;

      create function workspaces_start_with_an_owner() returns trigger
      language plpgsql as $$
      begin
        perform workspace_has_an_owner(new.id);
        return null;
      end $$;

      create constraint trigger memberships_keep_an_owner
        after insert or update or delete on memberships
        deferrable initially deferred
        for each row execute function memberships_keep_an_owner();

      create constraint trigger workspaces_start_with_an_owner
        after insert on workspaces
        deferrable initially deferred
        for each row execute function workspaces_start_with_an_owner();
    `);
  },
  async down(knex: Knex) {
    await knex.raw(`
      drop trigger workspaces_start_with_an_owner on workspaces;
      drop trigger memberships_keep_an_owner on memberships;
      drop function workspaces_start_with_an_owner();
      drop function memberships_keep_an_owner();
      drop function workspace_has_an_owner(uuid);
    `);
  },
};

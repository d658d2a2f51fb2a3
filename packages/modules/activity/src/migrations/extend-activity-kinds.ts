import type { Knex, Migration } from '@trellis/db';

const KINDS_BEFORE = [
  'task.created',
  'task.updated',
  'task.deleted',
  'comment.added',
  'member.added',
  'member.removed',
];
const KINDS_ADDED = ['member.left', 'member.role_changed', 'workspace.ownership_transferred'];

function kindCheck(kinds: readonly string[]): string {
  return `alter table activity add constraint activity_kind_known check (kind in (${kinds
    .map((kind) => `'${kind}'`)
    .join(', ')}))`;
}

/**
 * Membership changes of invitations and role rules (leaving, role changes, ownership
 * transfers), and an index for the feed's question "was this task deleted?" (entries of
 * deleted tasks are shown without the task's content).
 */
export const extendActivityKinds: Migration = {
  name: '20261125110100_activity_membership_kinds_and_deleted_tasks',
  async up(knex: Knex) {
    await knex.raw('alter table activity drop constraint activity_kind_known');
    await knex.raw(kindCheck([...KINDS_BEFORE, ...KINDS_ADDED]));
    await knex.raw(
      "create index activity_deleted_tasks_idx on activity (workspace_id, task_id) where kind = 'task.deleted'",
    );
  },
  async down(knex: Knex) {
    await knex.raw('drop index activity_deleted_tasks_idx');
    // The older schema cannot hold the added kinds: their entries go with the rollback.
    await knex('activity').whereIn('kind', KINDS_ADDED).delete();
    await knex.raw('alter table activity drop constraint activity_kind_known');
    await knex.raw(kindCheck(KINDS_BEFORE));
  },
};

import type { Knex, Migration } from '@trellis/db';

/** The channel every committed feed entry is announced on (payload: `<workspace id> <seq>`). */
export const ACTIVITY_CHANNEL = 'trellis_activity';

/**
 * The commit-ordered feed behind live updates and their resumption.
 *
 * Neither `created_at` nor a sequence drawn during a transaction is commit order: a transaction
 * that wrote its entry first may commit last, and a reader that resumed from the later one's
 * position would skip it forever. So an entry gets its position in the workspace's feed only
 * when its transaction commits: a deferred constraint trigger runs at COMMIT, takes the next
 * number from the workspace's row in `activity_feed_heads` (the row lock is held until the
 * commit completes, so numbers are handed out in commit order, gapless, per workspace) and
 * records it in `activity_feed`. A rolled-back transaction never reaches the trigger: it leaves
 * no number and sends no notification. The NOTIFY is transactional too (delivered on commit),
 * and carries only the workspace and the number, far below PostgreSQL's 8,000-byte cap: it is a
 * wake-up call, and listeners read the entries from the table.
 *
 * The cost: two transactions writing activity in one workspace serialize on that row from their
 * COMMIT to the end of its flush (a few milliseconds at most); different workspaces never wait.
 */
export const createActivityFeed: Migration = {
  name: '20261206020000_activity_create_feed',
  async up(knex: Knex) {
    await knex.raw(`
      create table activity_feed_heads (
        workspace_id uuid primary key,
        last_seq bigint not null
      )`);
    await knex.raw(`
      create table activity_feed (
        workspace_id uuid not null,
        seq bigint not null,
        activity_id uuid not null unique references activity (id) on delete cascade,
        -- when the position was handed out: at COMMIT, for commit-to-delivery latency
        committed_at timestamptz not null default clock_timestamp(),
        primary key (workspace_id, seq)
      )`);
    // Entries written before the feed existed take their place in the order they were written.
    await knex.raw(`
      insert into activity_feed (workspace_id, seq, activity_id)
      select workspace_id, row_number() over (partition by workspace_id order by created_at, id), id
        from activity`);
    await knex.raw(`
      insert into activity_feed_heads (workspace_id, last_seq)
      select workspace_id, max(seq) from activity_feed group by workspace_id`);
    await knex.raw(`
      create function activity_feed_sequence() returns trigger language plpgsql as $$
      declare
        next_seq bigint;
      begin
        insert into activity_feed_heads as head (workspace_id, last_seq)
          values (new.workspace_id, 1)
          on conflict (workspace_id) do update set last_seq = head.last_seq + 1
          returning last_seq into next_seq;
        insert into activity_feed (workspace_id, seq, activity_id)
          values (new.workspace_id, next_seq, new.id);
        perform pg_notify('${ACTIVITY_CHANNEL}', new.workspace_id::text || ' ' || next_seq::text);
        return null;
      end
      $$`);
    await knex.raw(`
      create constraint trigger activity_feed_sequence
        after insert on activity
        deferrable initially deferred
        for each row execute function activity_feed_sequence()`);
  },
  async down(knex: Knex) {
    await knex.raw('drop trigger activity_feed_sequence on activity');
    await knex.raw('drop function activity_feed_sequence()');
    await knex.raw('drop table activity_feed');
    await knex.raw('drop table activity_feed_heads');
  },
};

import type { Knex, Migration } from '@trellis/db';

/**
 * Open-task counts per project, kept current by triggers on tasks, so projects.list reads a
 * handful of rows per project instead of counting every open task (61 ms at 1M tasks against
 * 11 ms at 20k, issue 10; the partial index it replaces still had to visit each open task).
 *
 * Why triggers and not the services: the count must stay exact for every way a task row
 * changes (createTask, importTasks, updateTask, deleteTask, a project's cascade, bulk SQL),
 * and the services' query counts are part of the contract (query-budget tests): a trigger
 * adds no round trip. Inserts and deletes are counted once per statement (transition tables),
 * so an import of 1,000 tasks adds one upsert, not 1,000.
 *
 * Why 16 rows per project (`shard`, from the last byte of the task's random UUID): status
 * changes in one busy project would otherwise all wait for the lock on one counter row until
 * their transactions commit; spread over 16 rows, two concurrent changes rarely meet. Reading
 * sums at most 16 rows per project. Creates already serialise on the project row (the number
 * allocator), so they lose nothing.
 */
const SHARD = (alias: string) => `(get_byte(uuid_send(${alias}.id), 15) & 15)`;
const OPEN = (alias: string) => `${alias}.status not in ('done', 'canceled')`;

export const openTaskCounts: Migration = {
  name: '20261130020100_tasks_open_task_counts',
  async up(knex: Knex) {
    await knex.raw(`
      create table task_open_counts (
        project_id uuid not null references projects (id) on delete cascade,
        shard smallint not null,
        open_count bigint not null,
        constraint task_open_counts_pkey primary key (project_id, shard),
        constraint task_open_counts_shard_range check (shard between 0 and 15)
      )
    `);
    await knex.raw(`
      create function tasks_count_inserted() returns trigger language plpgsql as $$
      begin
        insert into task_open_counts as counts (project_id, shard, open_count)
        select t.project_id, ${SHARD('t')}, count(*)
        from inserted_tasks t
        where ${OPEN('t')}
        group by 1, 2
        order by 1, 2
        on conflict (project_id, shard)
          do update set open_count = counts.open_count + excluded.open_count;
        return null;
      end
      $$
    `);
    // Only an update of rows that exist: a task deleted with its project (cascade) finds its
    // project's counters already gone, and must not insert new ones.
    await knex.raw(`
      create function tasks_count_deleted() returns trigger language plpgsql as $$
      begin
        update task_open_counts counts
        set open_count = counts.open_count - gone.open_count
        from (
          select t.project_id, ${SHARD('t')} as shard, count(*) as open_count
          from deleted_tasks t
          where ${OPEN('t')}
          group by 1, 2
        ) gone
        where counts.project_id = gone.project_id and counts.shard = gone.shard;
        return null;
      end
      $$
    `);
    await knex.raw(`
      create function tasks_count_updated() returns trigger language plpgsql as $$
      begin
        if ${OPEN('old')} then
          update task_open_counts set open_count = open_count - 1
          where project_id = old.project_id and shard = ${SHARD('old')};
        end if;
        if ${OPEN('new')} then
          insert into task_open_counts as counts (project_id, shard, open_count)
          values (new.project_id, ${SHARD('new')}, 1)
          on conflict (project_id, shard) do update set open_count = counts.open_count + 1;
        end if;
        return null;
      end
      $$
    `);
    await knex.raw(`
      create trigger tasks_count_inserted after insert on tasks
      referencing new table as inserted_tasks
      for each statement execute function tasks_count_inserted()
    `);
    await knex.raw(`
      create trigger tasks_count_deleted after delete on tasks
      referencing old table as deleted_tasks
      for each statement execute function tasks_count_deleted()
    `);
    await knex.raw(`
      create trigger tasks_count_updated after update of status, project_id on tasks
      for each row
      when (old.status is distinct from new.status or old.project_id is distinct from new.project_id)
      execute function tasks_count_updated()
    `);
    await knex.raw(`
      insert into task_open_counts (project_id, shard, open_count)
      select t.project_id, ${SHARD('t')}, count(*)
      from tasks t
      where ${OPEN('t')}
      group by 1, 2
    `);
    await knex.raw('drop index tasks_open_by_project_idx');
  },
  async down(knex: Knex) {
    await knex.raw(
      `create index tasks_open_by_project_idx on tasks (project_id) where status not in ('done', 'canceled')`,
    );
    await knex.raw('drop trigger tasks_count_updated on tasks');
    await knex.raw('drop trigger tasks_count_deleted on tasks');
    await knex.raw('drop trigger tasks_count_inserted on tasks');
    await knex.raw('drop function tasks_count_updated()');
    await knex.raw('drop function tasks_count_deleted()');
    await knex.raw('drop function tasks_count_inserted()');
    await knex.raw('drop table task_open_counts');
  },
};

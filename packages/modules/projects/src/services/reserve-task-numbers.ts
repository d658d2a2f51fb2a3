import type { Session } from '@trellis/db';
import { NotFoundError } from '@trellis/kernel';

/**
 * Hands out `count` consecutive task numbers of a project (1, 2, 3 … per project) from
 * `projects.last_task_number`, in one statement; returns the first. The tasks module numbers
 * its tasks with it: the counter is a column of this module's table, so only this module
 * writes it.
 *
 * The increment runs in the caller's transaction and holds the project row's lock until that
 * transaction ends, so creates within one project are serialised (each number given once) while
 * creates in other projects lock other rows and do not wait. If the transaction rolls back the
 * increment rolls back with it, so the number is given again: no gaps.
 */
export async function reserveTaskNumbers(
  session: Session,
  projectId: string,
  count = 1,
): Promise<number> {
  const [row] = await session.query<{ last_task_number: number }>(
    'update projects set last_task_number = last_task_number + $1 where id = $2 returning last_task_number',
    [count, projectId],
    { prepare: true },
  );
  const last = row?.last_task_number;
  if (last === undefined) throw new NotFoundError('Project');
  return last - count + 1;
}

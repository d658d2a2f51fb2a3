import type { Session } from '@trellis/db';
import { NotFoundError } from '@trellis/kernel';

/**
 * Hands out task numbers, 1, 2, 3 ... per project, from `projects.last_task_number`.
 *
 * The increment runs in the caller's transaction and holds the project row's lock until that
 * transaction ends, so creates within one project are serialised (each number given once) while
 * creates in other projects lock other rows and do not wait. If the transaction rolls back the
 * increment rolls back with it, so the number is given again: no gaps.
 */
export class TaskNumberAllocator {
  constructor(private readonly session: Session) {}

  async next(projectId: string): Promise<number> {
    return this.reserve(projectId, 1);
  }

  /** Reserves `count` consecutive numbers in one statement; returns the first. */
  async reserve(projectId: string, count: number): Promise<number> {
    const result = await this.session.raw<{ rows: Array<{ last_task_number: number }> }>(
      'update projects set last_task_number = last_task_number + ? where id = ? returning last_task_number',
      [count, projectId],
    );
    const last = result.rows[0]?.last_task_number;
    if (last === undefined) throw new NotFoundError('Project');
    return last - count + 1;
  }
}

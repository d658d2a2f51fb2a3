import { settlePipelined, type Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import { getProjectForActor } from '@trellis/projects';
import type { z } from 'zod';
import { itemsWithinTextBudget } from '../page-text-budget';
import { listTasksInput } from '../schemas';
import { TaskCursor } from '../task-cursor';
import { readTaskPage } from '../task-page-statement';
import { toLoadedTask } from '../task-mapper';
import type { TaskPage } from '../types';

/**
 * A page of a project's tasks, newest (highest number) first; any member. Keyset pagination on
 * `number`: the cursor names the last number shown and the next page starts below it. A page
 * holds at most `limit` tasks, fewer when their titles and descriptions pass MAX_PAGE_TEXT.
 * Queries: project and role (1), the page with its users joined and each task's comment count
 * and its labels (as JSON) as correlated subqueries (1): 2 for a page of 1 or of 100, sent
 * together in one round trip.
 */
export async function listTasks(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof listTasksInput>,
): Promise<TaskPage> {
  const input = listTasksInput.parse(rawInput);
  const before = input.cursor ? TaskCursor.decode(input.cursor) : undefined;
  const filters = {
    projectId: input.projectId,
    before,
    status: input.status,
    assigneeId: input.assigneeId,
    labelId: input.labelId,
    search: input.search,
  };
  // Both statements leave together (the connection pipelines them): one round trip, not two.
  // The page is read for the project named in the input and used only if the membership check
  // passed; a non-member gets NotFound exactly as before, and no row. Both are awaited either
  // way, so no statement is left running when the transaction ends.
  const [project, rows] = await settlePipelined([
    getProjectForActor(session, actor, input.projectId, 'viewer'),
    readTaskPage(session, filters, input.limit + 1),
  ]);
  // At most `limit` tasks, and fewer when their text would pass MAX_PAGE_TEXT.
  const kept = itemsWithinTextBudget(
    rows.slice(0, input.limit),
    (task) => task.title.length + (task.description?.length ?? 0),
  );
  const shown = rows.slice(0, kept);
  const last = shown.at(-1);
  return {
    items: shown.map((task) => ({
      ...toLoadedTask(task, project.key),
      commentCount: task.commentCount,
    })),
    nextCursor: rows.length > kept && last ? TaskCursor.encode(last.number) : null,
  };
}

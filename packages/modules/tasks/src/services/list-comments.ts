import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { CommentCursor } from '../comment-cursor';
import { CommentModel } from '../models/comment-model';
import { itemsWithinTextBudget } from '../page-text-budget';
import { listCommentsInput } from '../schemas';
import { findTaskForActor } from '../task-access';
import { oldestCommentsFirstWithAuthor, type CommentAuthorColumns } from '../task-query';
import { toComment } from '../task-mapper';
import type { CommentPage } from '../types';

/**
 * A page of a task's comments, oldest first; any member, viewers included. Keyset pagination on
 * (created_at, id), continuing after the comment the cursor names (tasks.get's
 * `commentsCursor`, or the previous page's `nextCursor`); a page is also cut by MAX_PAGE_TEXT.
 * Queries: the task with the actor's role (1), the page with its authors (1): 2 for any page.
 */
export async function listComments(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof listCommentsInput>,
): Promise<CommentPage> {
  const input = listCommentsInput.parse(rawInput);
  const after = input.cursor ? CommentCursor.decode(input.cursor) : undefined;
  const { task } = await findTaskForActor(session, actor, { id: input.taskId }, 'viewer');
  const query = oldestCommentsFirstWithAuthor(CommentModel.query(session))
    .where('comments.task_id', task.id)
    .limit(input.limit + 1);
  if (after !== undefined) {
    // A cursor of another task (or none at all) finds no row: the page is then empty.
    void query.whereRaw(
      '(comments.created_at, comments.id) > (select c.created_at, c.id from comments c where c.id = ? and c.task_id = ?)',
      [after, task.id],
    );
  }
  const rows = (await query) as Array<CommentModel & CommentAuthorColumns>;
  const page = rows.slice(0, input.limit);
  const kept = itemsWithinTextBudget(page, (comment) => comment.body.length);
  const shown = rows.slice(0, kept);
  const last = shown.at(-1);
  return {
    items: shown.map(toComment),
    nextCursor: rows.length > kept && last ? CommentCursor.encode(last.id) : null,
  };
}

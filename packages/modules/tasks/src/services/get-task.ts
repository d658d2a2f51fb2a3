import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import type { CommentModel } from '../models/comment-model';
import { CommentCursor } from '../comment-cursor';
import { itemsWithinTextBudget, MAX_PAGE_TEXT } from '../page-text-budget';
import { COMMENTS_FIRST_PAGE, getTaskInput } from '../schemas';
import { findTaskForActor, type TaskLocator } from '../task-access';
import { TASK_DETAIL_GRAPH, type CommentAuthorColumns } from '../task-query';
import { toComment, toLoadedTask } from '../task-mapper';
import type { TaskDetail } from '../types';

/**
 * One task with its project and the first page of its comments (oldest first, at most
 * COMMENTS_FIRST_PAGE, cut by MAX_PAGE_TEXT) with `commentsCursor` for listComments; any member,
 * viewers included. Queries: the task with its users, project and role (1), its labels (1), the
 * first comments with their authors (1): 3, however many comments or labels there are.
 */
export async function getTask(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof getTaskInput>,
): Promise<TaskDetail> {
  const { id } = getTaskInput.parse(rawInput);
  return readTaskDetail(session, actor, { id });
}

/** The task detail of the task `locator` finds (by id or by key), for getTask and getTaskByKey. */
export async function readTaskDetail(
  session: Session,
  actor: Actor,
  locator: TaskLocator,
): Promise<TaskDetail> {
  const { task, project } = await findTaskForActor(
    session,
    actor,
    locator,
    'viewer',
    TASK_DETAIL_GRAPH,
  );
  const comments = task.comments as Array<CommentModel & CommentAuthorColumns> | undefined;
  if (!comments) throw new Error(`Task ${task.id} was read without its comments`);
  const detail = toLoadedTask(task, project.key);
  // The first page of comments, cut by size after the text of the task itself.
  const taskText = detail.title.length + (detail.description?.length ?? 0);
  const page = comments.slice(0, COMMENTS_FIRST_PAGE);
  const kept = itemsWithinTextBudget(
    page,
    (comment) => comment.body.length,
    Math.max(0, MAX_PAGE_TEXT - taskText),
  );
  const shown = comments.slice(0, kept);
  const last = shown.at(-1);
  return {
    ...detail,
    project: { id: project.id, key: project.key, name: project.name },
    comments: shown.map(toComment),
    commentsCursor: comments.length > kept && last ? CommentCursor.encode(last.id) : null,
  };
}

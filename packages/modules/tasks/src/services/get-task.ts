import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { CommentCursor } from '../comment-cursor';
import { itemsWithinTextBudget, MAX_PAGE_TEXT } from '../page-text-budget';
import { COMMENTS_FIRST_PAGE, getTaskInput } from '../schemas';
import type { TaskLocator } from '../task-access';
import { readTaskDetailRecord } from '../task-detail-statement';
import { toCommentFromJson, toLoadedTask } from '../task-mapper';
import type { TaskDetail } from '../types';

/**
 * One task with its project and the first page of its comments (oldest first, at most
 * COMMENTS_FIRST_PAGE, cut by MAX_PAGE_TEXT) with `commentsCursor` for listComments; any member,
 * viewers included. ONE query, however many comments or labels there are: the task with its
 * users, project and role, its labels and its first comments with their authors as JSON.
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
  const row = await readTaskDetailRecord(session, actor, locator);
  const comments = row.firstComments;
  const project = { id: row.projectId, key: row.project_key, name: row.project_name };
  const detail = toLoadedTask(row, project.key);
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
    project,
    comments: shown.map(toCommentFromJson),
    commentsCursor: comments.length > kept && last ? CommentCursor.encode(last.id) : null,
  };
}

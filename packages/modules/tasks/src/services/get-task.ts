import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import type { CommentModel } from '../models/comment-model';
import { getTaskInput } from '../schemas';
import { findTaskForActor, type TaskLocator } from '../task-access';
import { TASK_DETAIL_GRAPH, type CommentAuthorColumns } from '../task-query';
import { toComment, toLoadedTask } from '../task-mapper';
import type { TaskDetail } from '../types';

/**
 * One task with its project and comments (oldest first); any member, viewers included.
 * Queries: the task with its users, project and role (1), its labels (1), its comments with
 * their authors (1): 3, however many comments or labels there are.
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
  return {
    ...toLoadedTask(task, project.key),
    project: { id: project.id, key: project.key, name: project.name },
    comments: comments.map(toComment),
  };
}

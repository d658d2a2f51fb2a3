import type { Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import { UserModel, toUser } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { CommentModel } from '../models/comment-model';
import { addCommentInput } from '../schemas';
import { findTaskForActor } from '../task-access';
import { taskKey } from '../task-mapper';
import type { Comment } from '../types';

/**
 * Comments on a task (member or above) as the actor. Queries: task with role (1), the
 * comment row (1), its author (1), activity (1).
 */
export async function addComment(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof addCommentInput>,
): Promise<Comment> {
  const input = addCommentInput.parse(rawInput);
  const { task, project } = await findTaskForActor(session, actor, input.taskId, 'member');
  const comment = await CommentModel.query(session)
    .insert({ taskId: task.id, authorId: actor.userId, body: input.body })
    .returning('*');
  const author = await UserModel.query(session)
    .select('users.id', 'users.email', 'users.name')
    .findById(actor.userId);
  if (!author) throw new Error(`The acting user ${actor.userId} does not exist`);
  await recordActivity(session, {
    workspaceId: project.workspaceId,
    actorId: actor.userId,
    kind: 'comment.added',
    taskId: task.id,
    data: { key: taskKey(project.key, task.number), commentId: comment.id },
  });
  return {
    id: comment.id,
    body: comment.body,
    createdAt: comment.createdAt,
    author: toUser(author),
  };
}

import type { Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { TaskModel } from '../models/task-model';
import { deleteTaskInput } from '../schemas';
import { findTaskForActor } from '../task-access';
import { taskKey } from '../task-mapper';

/**
 * Deletes a task (member or above). Its comments and label links go with it (ON DELETE
 * CASCADE); the activity entry outlives it. Queries: task with role (1), delete (1), activity (1).
 */
export async function deleteTask(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof deleteTaskInput>,
): Promise<void> {
  const { id } = deleteTaskInput.parse(rawInput);
  const { task, project } = await findTaskForActor(session, actor, id, 'member');
  await TaskModel.query(session).deleteById(task.id);
  await recordActivity(session, {
    workspaceId: project.workspaceId,
    actorId: actor.userId,
    kind: 'task.deleted',
    taskId: task.id,
    data: { key: taskKey(project.key, task.number) },
  });
}

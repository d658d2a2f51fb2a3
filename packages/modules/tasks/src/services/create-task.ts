import type { Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import { InvalidInputError, type Actor } from '@trellis/kernel';
import { getProjectForActor, reserveTaskNumbers } from '@trellis/projects';
import { findWorkspaceUsers } from '@trellis/workspaces';
import type { z } from 'zod';
import { TaskModel } from '../models/task-model';
import { createTaskInput } from '../schemas';
import { replaceTaskLabels, requireWorkspaceLabels } from '../task-labels';
import { settleInOrder } from '../settle-in-order';
import { taskKey, toTask } from '../task-mapper';
import type { Task } from '../types';

/**
 * Creates a task in a project (member or above), reported by the actor. Queries: project and
 * role (1), reporter and assignee with membership (1), labels (1, if any), number (1), task
 * row (1), label links (1, if any), activity (1): at most 7, whatever the input, in four round
 * trips (the check; users, labels and number together; the row; links and activity together).
 */
export async function createTask(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof createTaskInput>,
): Promise<Task> {
  const input = createTaskInput.parse(rawInput);
  const project = await getProjectForActor(session, actor, input.projectId, 'member');

  const assigneeId = input.assigneeId ?? null;
  // Once the membership is checked, what depends only on the project leaves together (the
  // connection pipelines it: one round trip, not three) and is judged in the old order.
  const [users, labels, number] = await settleInOrder([
    findWorkspaceUsers(
      session,
      project.workspaceId,
      assigneeId ? [actor.userId, assigneeId] : [actor.userId],
    ),
    requireWorkspaceLabels(session, project.workspaceId, input.labelIds),
    reserveTaskNumbers(session, project.id),
  ]);
  const assignee = assigneeId ? users.get(assigneeId) : undefined;
  if (assigneeId && !assignee?.isMember) {
    throw new InvalidInputError(['assigneeId'], 'The assignee must be a member of the workspace');
  }
  const reporter = users.get(actor.userId);
  if (!reporter) throw new Error(`The acting user ${actor.userId} does not exist`);

  const task = await TaskModel.query(session)
    .insert({
      projectId: project.id,
      number,
      title: input.title,
      description: input.description ?? null,
      status: input.status,
      priority: input.priority,
      assigneeId,
      reporterId: actor.userId,
      dueDate: input.dueDate ?? null,
    })
    .returning('*');
  // The label links and the activity entry need the row, not each other: they leave together.
  // (Not with the row itself: builders start their statement a few promise steps after they are
  // awaited, so the order in which several reach the connection is not theirs to promise.)
  await settleInOrder([
    labels.length > 0
      ? replaceTaskLabels(
          session,
          task.id,
          labels.map((label) => label.id),
        )
      : Promise.resolve(0),
    recordActivity(session, {
      workspaceId: project.workspaceId,
      actorId: actor.userId,
      kind: 'task.created',
      taskId: task.id,
      data: { key: taskKey(project.key, number), title: task.title },
    }),
  ]);
  return toTask(task, project.key, {
    assignee: assignee?.user ?? null,
    reporter: reporter.user,
    labels,
  });
}

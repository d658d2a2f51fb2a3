import type { Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import { InvalidInputError, type Actor } from '@trellis/kernel';
import { getProjectForActor, reserveTaskNumbers } from '@trellis/projects';
import { findWorkspaceUsers } from '@trellis/workspaces';
import type { z } from 'zod';
import { TaskModel } from '../models/task-model';
import { createTaskInput } from '../schemas';
import { replaceTaskLabels, requireWorkspaceLabels } from '../task-labels';
import { toTask } from '../task-mapper';
import type { Task } from '../types';

/**
 * Creates a task in a project (member or above), reported by the actor. Queries: project and
 * role (1), reporter and assignee with membership (1), labels (1, if any), number (1), task
 * row (1), label links (1, if any), activity (1): at most 7, whatever the input.
 */
export async function createTask(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof createTaskInput>,
): Promise<Task> {
  const input = createTaskInput.parse(rawInput);
  const project = await getProjectForActor(session, actor, input.projectId, 'member');

  const assigneeId = input.assigneeId ?? null;
  const users = await findWorkspaceUsers(
    session,
    project.workspaceId,
    assigneeId ? [actor.userId, assigneeId] : [actor.userId],
  );
  const assignee = assigneeId ? users.get(assigneeId) : undefined;
  if (assigneeId && !assignee?.isMember) {
    throw new InvalidInputError(['assigneeId'], 'The assignee must be a member of the workspace');
  }
  const reporter = users.get(actor.userId);
  if (!reporter) throw new Error(`The acting user ${actor.userId} does not exist`);
  const labels = await requireWorkspaceLabels(session, project.workspaceId, input.labelIds);

  const number = await reserveTaskNumbers(session, project.id);
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
  if (labels.length > 0) {
    await replaceTaskLabels(
      session,
      task.id,
      labels.map((label) => label.id),
    );
  }

  const result = toTask(task, project.key, {
    assignee: assignee?.user ?? null,
    reporter: reporter.user,
    labels,
  });
  await recordActivity(session, {
    workspaceId: project.workspaceId,
    actorId: actor.userId,
    kind: 'task.created',
    taskId: task.id,
    data: { key: result.key, title: result.title },
  });
  return result;
}

import { settlePipelined, type Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import { InvalidInputError, type Actor } from '@trellis/kernel';
import { getProjectForActor, reserveTaskNumbers } from '@trellis/projects';
import { findWorkspaceUsers } from '@trellis/workspaces';
import type { z } from 'zod';
import { createTaskInput } from '../schemas';
import { replaceTaskLabels, requireWorkspaceLabels } from '../task-labels';
import type { TaskFields } from '../task-query';
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
  // connection pipelines it: one round trip, not three).
  // A refused label is held back until the assignee has been judged, as when they ran in turn.
  const [users, labelCheck, number] = await settlePipelined([
    findWorkspaceUsers(
      session,
      project.workspaceId,
      assigneeId ? [actor.userId, assigneeId] : [actor.userId],
    ),
    requireWorkspaceLabels(session, project.workspaceId, input.labelIds).then(
      (found) => ({ found }),
      (refusal: unknown) => {
        if (!(refusal instanceof InvalidInputError)) throw refusal;
        return { refusal };
      },
    ),
    reserveTaskNumbers(session, project.id),
  ]);
  const assignee = assigneeId ? users.get(assigneeId) : undefined;
  if (assigneeId && !assignee?.isMember) {
    throw new InvalidInputError(['assigneeId'], 'The assignee must be a member of the workspace');
  }
  if ('refusal' in labelCheck) throw labelCheck.refusal;
  const labels = labelCheck.found;
  const reporter = users.get(actor.userId);
  if (!reporter) throw new Error(`The acting user ${actor.userId} does not exist`);

  const [task] = await session.query<TaskFields>(
    INSERT_TASK_SQL,
    [
      project.id,
      number,
      input.title,
      input.description ?? null,
      input.status,
      input.priority,
      assigneeId,
      actor.userId,
      input.dueDate ?? null,
    ],
    { prepare: true },
  );
  if (!task) throw new Error('The task insert returned no row');
  // The label links and the activity entry need the row, not each other: they leave together.
  // (Not with the row itself: builders start their statement a few promise steps after they are
  // awaited, so the order in which several reach the connection is not theirs to promise.)
  await settlePipelined([
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

/** The row, and back its columns under the model's names (one prepared statement). */
const INSERT_TASK_SQL = `
  insert into tasks
    (project_id, number, title, description, status, priority, assignee_id, reporter_id, due_date)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  returning id, project_id as "projectId", number, title, description, status, priority,
    assignee_id as "assigneeId", reporter_id as "reporterId", due_date as "dueDate", version,
    created_at as "createdAt", updated_at as "updatedAt"`;

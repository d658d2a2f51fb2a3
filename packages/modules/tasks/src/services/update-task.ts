import type { Session } from '@trellis/db';
import { recordActivity } from '@trellis/activity';
import { ConflictError, InvalidInputError, type Actor } from '@trellis/kernel';
import { raw } from 'objection';
import type { Label } from '@trellis/labels';
import { findWorkspaceUsers } from '@trellis/workspaces';
import type { z } from 'zod';
import { TaskModel } from '../models/task-model';
import { updateTaskInput } from '../schemas';
import { findTaskForActor } from '../task-access';
import { findTaskLabels, replaceTaskLabels, requireWorkspaceLabels } from '../task-labels';
import { joinedUsers, toTask } from '../task-mapper';
import type { Task } from '../types';

/** The columns updateTask may write, each copied by name (never the input object itself). */
interface TaskPatch {
  title?: string;
  description?: string | null;
  status?: TaskModel['status'];
  priority?: TaskModel['priority'];
  assigneeId?: string | null;
  dueDate?: Date | null;
}

const staleVersion = () =>
  new ConflictError('The task was changed by someone else; reload it and try again');

const sameDate = (a: Date | null, b: Date | null) =>
  a === null || b === null ? a === b : a.getTime() === b.getTime();

/**
 * Changes a task (member or above) under optimistic concurrency: the write is
 * `... set ..., version = version + 1 where id = ? and version = ?`, so of several writers
 * that read the same version exactly one succeeds and the others get ConflictError.
 * `labelIds` replaces the label set. Records 'task.updated' with the changed field names; a
 * save that changes nothing keeps the version and records nothing.
 * Queries: task with its users and the actor's role (1), new assignee (1, if one is named),
 * labels (1: the new ones checked, or the current ones read), update or row lock (1), label
 * links (1, if labelIds given), version (1, only when just the labels changed), activity (1):
 * at most 6.
 */
export async function updateTask(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof updateTaskInput>,
): Promise<Task> {
  const input = updateTaskInput.parse(rawInput);
  const { task: current, project } = await findTaskForActor(session, actor, input.id, 'member');
  if (current.version !== input.version) throw staleVersion();

  const patch: TaskPatch = {};
  const changed: string[] = [];
  if (input.title !== undefined && input.title !== current.title) {
    patch.title = input.title;
    changed.push('title');
  }
  if (input.description !== undefined && input.description !== current.description) {
    patch.description = input.description;
    changed.push('description');
  }
  if (input.status !== undefined && input.status !== current.status) {
    patch.status = input.status;
    changed.push('status');
  }
  if (input.priority !== undefined && input.priority !== current.priority) {
    patch.priority = input.priority;
    changed.push('priority');
  }
  if (input.assigneeId !== undefined && input.assigneeId !== current.assigneeId) {
    patch.assigneeId = input.assigneeId;
    changed.push('assigneeId');
  }
  if (input.dueDate !== undefined && !sameDate(input.dueDate, current.dueDate)) {
    patch.dueDate = input.dueDate;
    changed.push('dueDate');
  }

  // The reporter and the current assignee came joined with the task; a NEW assignee must be
  // a member of the workspace (one query, only when the assignee changes to someone).
  const { reporter, assignee: currentAssignee } = joinedUsers(current);
  let assignee = currentAssignee;
  if (patch.assigneeId === null) assignee = null;
  if (patch.assigneeId) {
    const candidate = (
      await findWorkspaceUsers(session, project.workspaceId, [patch.assigneeId])
    ).get(patch.assigneeId);
    if (!candidate?.isMember) {
      throw new InvalidInputError(['assigneeId'], 'The assignee must be a member of the workspace');
    }
    assignee = candidate.user;
  }

  const labels = input.labelIds
    ? await requireWorkspaceLabels(session, project.workspaceId, input.labelIds)
    : undefined;

  // Every change a client can observe comes with its event, and nothing else moves the version:
  // a save that changes nothing keeps the version and writes nothing (a live board never holds
  // a version it did not get an event for). The row is locked with the version check first
  // (the UPDATE itself, or a SELECT FOR UPDATE when only labels might change), so of several
  // writers that read the same version exactly one goes on.
  const fieldsChange = changed.length > 0;
  let updated: TaskModel | undefined;
  if (fieldsChange) {
    [updated] = await TaskModel.query(session)
      .patch({ ...patch, version: raw('version + 1') })
      .where('tasks.id', current.id)
      .where('tasks.version', input.version)
      .returning('*');
    if (!updated) throw staleVersion();
  } else if (labels) {
    const locked = await TaskModel.query(session)
      .select('tasks.id')
      .where('tasks.id', current.id)
      .where('tasks.version', input.version)
      .forUpdate()
      .first();
    if (!locked) throw staleVersion();
  }

  let finalLabels: Label[];
  if (labels) {
    const changes = await replaceTaskLabels(
      session,
      current.id,
      labels.map((label) => label.id),
    );
    if (changes > 0) changed.push('labelIds');
    finalLabels = labels;
  } else {
    // Read after our write: the row lock we now hold keeps concurrent label changes out.
    finalLabels = await findTaskLabels(session, current.id);
  }

  if (changed.length === 0) {
    // Nothing changed: the caller's copy is current, and it stays at its version.
    return toTask(current, project.key, { assignee, reporter, labels: finalLabels });
  }
  if (!updated) {
    // Only the labels changed: the version still moves, with its event.
    [updated] = await TaskModel.query(session)
      .patch({ version: raw('version + 1') })
      .where('tasks.id', current.id)
      .returning('*');
    if (!updated) throw staleVersion();
  }
  const result = toTask(updated, project.key, { assignee, reporter, labels: finalLabels });
  await recordActivity(session, {
    workspaceId: project.workspaceId,
    actorId: actor.userId,
    kind: 'task.updated',
    taskId: current.id,
    data: { key: result.key, fields: changed },
  });
  return result;
}

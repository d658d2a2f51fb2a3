import type { Session } from '@trellis/db';
import { recordActivities } from '@trellis/activity';
import { InvalidInputError, type Actor } from '@trellis/kernel';
import { getProjectForActor, reserveTaskNumbers } from '@trellis/projects';
import { findWorkspaceUsers } from '@trellis/workspaces';
import type { z } from 'zod';
import { CommentModel } from '../models/comment-model';
import { TaskModel } from '../models/task-model';
import { importTasksInput } from '../schemas';
import { requireWorkspaceLabels } from '../task-labels';

export interface ImportResult {
  imported: number;
  firstNumber: number;
  lastNumber: number;
  comments: number;
}

// Rows a statement: keeps every insert well under PostgreSQL's 65,535 bind parameters.
const ROWS_PER_STATEMENT = 2_000;

async function insertInChunks<Row extends object>(
  rows: readonly Row[],
  insert: (chunk: Row[]) => PromiseLike<unknown>,
): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    await insert(rows.slice(start, start + ROWS_PER_STATEMENT));
  }
}

/**
 * Imports up to 1,000 tasks into a project at once (member or above), with the same rules as
 * createTask: assignees and comment authors must be members, labels must belong to the
 * workspace, numbers continue the project's sequence without gaps, and each task gets its
 * `task.created` activity. A fixed number of statements whatever the size: project and role,
 * users, labels, numbers, tasks, label links, comments, activity.
 */
export async function importTasks(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof importTasksInput>,
): Promise<ImportResult> {
  const input = importTasksInput.parse(rawInput);
  const project = await getProjectForActor(session, actor, input.projectId, 'member');

  const userIds = input.tasks.flatMap((task) => [
    ...(task.assigneeId ? [task.assigneeId] : []),
    ...task.comments.map((comment) => comment.authorId),
  ]);
  const users = await findWorkspaceUsers(session, project.workspaceId, userIds);
  input.tasks.forEach((task, index) => {
    if (task.assigneeId && !users.get(task.assigneeId)?.isMember) {
      throw new InvalidInputError(
        ['tasks', index, 'assigneeId'],
        'The assignee must be a member of the workspace',
      );
    }
    task.comments.forEach((comment, commentIndex) => {
      if (!users.get(comment.authorId)?.isMember) {
        throw new InvalidInputError(
          ['tasks', index, 'comments', commentIndex, 'authorId'],
          'A comment author must be a member of the workspace',
        );
      }
    });
  });
  await requireWorkspaceLabels(session, project.workspaceId, [
    ...new Set(input.tasks.flatMap((task) => task.labelIds)),
  ]);

  const firstNumber = await reserveTaskNumbers(session, project.id, input.tasks.length);
  const inserted: Array<{ id: string; number: number }> = [];
  await insertInChunks(
    input.tasks.map((task, index) => ({
      projectId: project.id,
      number: firstNumber + index,
      title: task.title,
      description: task.description ?? null,
      status: task.status,
      priority: task.priority,
      assigneeId: task.assigneeId ?? null,
      reporterId: actor.userId,
      dueDate: task.dueDate ?? null,
    })),
    async (chunk) => {
      inserted.push(...(await TaskModel.query(session).insert(chunk).returning(['id', 'number'])));
    },
  );
  const idByNumber = new Map(inserted.map((row) => [row.number, row.id]));
  const taskIdAt = (index: number) => idByNumber.get(firstNumber + index)!;

  const links = input.tasks.flatMap((task, index) =>
    task.labelIds.map((labelId) => ({ task_id: taskIdAt(index), label_id: labelId })),
  );
  await insertInChunks(links, (chunk) => session.knex('task_labels').insert(chunk));

  const comments = input.tasks.flatMap((task, index) =>
    task.comments.map((comment) => ({
      taskId: taskIdAt(index),
      authorId: comment.authorId,
      body: comment.body,
    })),
  );
  await insertInChunks(comments, (chunk) => CommentModel.query(session).insert(chunk));

  await recordActivities(
    session,
    input.tasks.map((task, index) => ({
      workspaceId: project.workspaceId,
      actorId: actor.userId,
      kind: 'task.created' as const,
      taskId: taskIdAt(index),
      data: { key: `${project.key}-${firstNumber + index}`, title: task.title, imported: true },
    })),
  );
  return {
    imported: input.tasks.length,
    firstNumber,
    lastNumber: firstNumber + input.tasks.length - 1,
    comments: comments.length,
  };
}

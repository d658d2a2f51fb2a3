import type { Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import { JOINED_PROJECT_WORKSPACE_ID, joinProject } from '@trellis/projects';
import { assertRole, joinActorRole, type Role } from '@trellis/workspaces';
import { TaskModel } from './models/task-model';
import { raw } from 'objection';
import { selectTaskWithUsers, type TaskRow } from './task-query';

/** Columns of the task's project and the actor's role, fetched with the task in one query. */
export interface TaskAccess {
  /** The task with its reporter and assignee joined (and the `columns` asked for). */
  task: TaskRow;
  project: { id: string; key: string; name: string; workspaceId: string };
  role: Role;
}

interface AccessColumns {
  projectKey: string;
  projectName: string;
  workspaceId: string;
  actorRole: Role;
}

/** How the task is found: by id, or by its key (project key + number) within a workspace. */
export type TaskLocator =
  { id: string } | { workspaceId: string; projectKey: string; number: number };

/**
 * Fetches a task together with its reporter and assignee, its project and the actor's role in
 * the project's workspace, in ONE query: the membership is an inner join, so a task of a workspace the actor is not
 * in is simply not found (NotFoundError('Task'), nothing leaks). A role below `minimum` is
 * ForbiddenError. `taskId` may also be a key locator (`ENG-12` in a workspace): the same one
 * query, over the unique (workspace_id, key) and (project_id, number) indexes.
 */
export async function findTaskForActor(
  session: Session,
  actor: Actor,
  taskId: string | TaskLocator,
  minimum: Role,
): Promise<TaskAccess> {
  const locator: TaskLocator = typeof taskId === 'string' ? { id: taskId } : taskId;
  const row = (await taskAccessQuery(session, actor, locator)) as
    (TaskRow & AccessColumns) | undefined;
  const role = assertRole(row?.actorRole, minimum, 'Task');
  if (!row) throw new NotFoundError('Task');
  return {
    task: row,
    project: {
      id: row.projectId,
      key: row.projectKey,
      name: row.projectName,
      workspaceId: row.workspaceId,
    },
    role,
  };
}

/**
 * findTaskForActor's one query, unexecuted: the task by id or key, its users, its project and
 * the actor's role, plus `columns` (TASK_LABELS_SELECT, …). Also what the compiled tasks.get
 * statement is built from (task-detail-statement.ts), so both read the task the same way.
 */
export function taskAccessQuery(
  session: Session,
  actor: Pick<Actor, 'userId'>,
  locator: TaskLocator,
  columns: readonly string[] = [],
) {
  let query = joinProject(
    selectTaskWithUsers(TaskModel.query(session)),
    'tasks.project_id',
    'id' in locator ? undefined : { workspaceId: locator.workspaceId, key: locator.projectKey },
  ).first();
  query =
    'id' in locator
      ? query.where('tasks.id', locator.id)
      : query.where('tasks.number', locator.number);
  for (const column of columns) query = query.select(raw(column));
  return joinActorRole(query, actor, JOINED_PROJECT_WORKSPACE_ID);
}

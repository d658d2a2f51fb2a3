import { CompiledStatement, type Session } from '@trellis/db';
import { NotFoundError, type Actor } from '@trellis/kernel';
import { assertRole, type Role } from '@trellis/workspaces';
import { taskAccessQuery, type TaskLocator } from './task-access';
import {
  TASK_FIRST_COMMENTS_SELECT,
  TASK_LABELS_SELECT,
  type TaskFirstCommentsColumn,
  type TaskLabelsColumn,
  type TaskRow,
} from './task-query';

/** A row of the task detail statement, as PostgreSQL sends it. */
export type TaskDetailRecord = TaskRow &
  TaskLabelsColumn &
  TaskFirstCommentsColumn & {
    project_key: string;
    project_name: string;
    workspace_id: string;
    actorRole: Role;
  };

const DETAIL_COLUMNS = [TASK_LABELS_SELECT, TASK_FIRST_COMMENTS_SELECT];

/**
 * tasks.get's read: findTaskForActor's query (task, users, project, the actor's role) with the
 * labels and the first comments as JSON columns, built once with the same helpers and run as a
 * named prepared statement (every value is a key: a generic plan is the right plan).
 */
const byId = new CompiledStatement(
  ['actorId', 'taskId'],
  (session, param) =>
    taskAccessQuery(session, { userId: param('actorId') }, { id: param('taskId') }, DETAIL_COLUMNS),
  { prepare: true },
);

const byKey = new CompiledStatement(
  ['actorId', 'workspaceId', 'projectKey', 'number'],
  (session, param, numberParam) =>
    taskAccessQuery(
      session,
      { userId: param('actorId') },
      {
        workspaceId: param('workspaceId'),
        projectKey: param('projectKey'),
        number: numberParam('number'),
      },
      DETAIL_COLUMNS,
    ),
  { prepare: true },
);

/** The task `locator` finds, with everything tasks.get shows: ONE statement. */
export async function readTaskDetailRecord(
  session: Session,
  actor: Actor,
  locator: TaskLocator,
): Promise<TaskDetailRecord> {
  const [row] =
    'id' in locator
      ? await byId.run<TaskDetailRecord>(session, { actorId: actor.userId, taskId: locator.id })
      : await byKey.run<TaskDetailRecord>(session, { actorId: actor.userId, ...locator });
  assertRole(row?.actorRole, 'viewer', 'Task');
  if (!row) throw new NotFoundError('Task');
  return row;
}

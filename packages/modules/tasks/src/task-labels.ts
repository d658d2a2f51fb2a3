import type { Session } from '@trellis/db';
import { InvalidInputError } from '@trellis/kernel';
import { LabelModel, findLabelsInWorkspace, selectLabels, type Label } from '@trellis/labels';
import { toLabels } from './task-mapper';

/**
 * The labels with these ids, all of which must belong to `workspaceId` (one query). A label
 * of another workspace, or no label at all, is InvalidInputError(['labelIds']): the same
 * answer for both, so other tenants' label ids cannot be probed.
 */
export async function requireWorkspaceLabels(
  session: Session,
  workspaceId: string,
  labelIds: readonly string[],
): Promise<Label[]> {
  if (labelIds.length === 0) return [];
  const labels = await findLabelsInWorkspace(session, workspaceId, [...labelIds]);
  const found = new Set(labels.map((label) => label.id));
  if (labelIds.some((id) => !found.has(id))) {
    throw new InvalidInputError(
      ['labelIds'],
      'Every label must belong to the workspace of the task',
    );
  }
  return toLabels(labels);
}

/** The labels on one task now, in the labels module's order (one query). */
export async function findTaskLabels(session: Session, taskId: string): Promise<Label[]> {
  const labels = await selectLabels(LabelModel.query(session))
    .join('task_labels', 'task_labels.label_id', 'labels.id')
    .where('task_labels.task_id', taskId);
  return toLabels(labels);
}

/**
 * Makes the task's label set exactly `labelIds`, in ONE statement: data-modifying CTEs drop the
 * links not wanted any more and add the missing ones (ON CONFLICT DO NOTHING keeps those that
 * stay). Returns how many links were removed or added: 0 means the set did not change.
 */
export async function replaceTaskLabels(
  session: Session,
  taskId: string,
  labelIds: readonly string[],
): Promise<number> {
  if (labelIds.length === 0) {
    const result = await session.raw<{ rowCount: number | null }>(
      'delete from task_labels where task_id = ?',
      [taskId],
    );
    return result.rowCount ?? 0;
  }
  // A JS array binding reaches pg as one array parameter.
  const ids = [...labelIds];
  const result = await session.raw<{ rows: Array<{ changes: number }> }>(
    `with removed as (
       delete from task_labels where task_id = ? and label_id <> all (?::uuid[])
       returning label_id
     ), added as (
       insert into task_labels (task_id, label_id)
       select ?, wanted.label_id from unnest(?::uuid[]) as wanted (label_id)
       on conflict (task_id, label_id) do nothing
       returning label_id
     )
     select (select count(*) from removed)::int + (select count(*) from added)::int as changes`,
    [taskId, ids, taskId, ids],
  );
  return result.rows[0]?.changes ?? 0;
}

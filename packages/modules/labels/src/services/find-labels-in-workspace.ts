import type { Session } from '@trellis/db';
import { idSchema } from '@trellis/kernel';
import { selectLabels, toLabel, type Label } from '../label';
import { LabelModel } from '../models/label-model';

/**
 * The labels among `labelIds` that belong to the workspace, ordered by name; ids of other
 * workspaces' labels (or no label at all) are left out, so the caller can compare counts.
 * No access check: the caller has already checked the actor's role in the workspace.
 */
export async function findLabelsInWorkspace(
  session: Session,
  workspaceId: string,
  labelIds: string[],
): Promise<Label[]> {
  const ids = [...new Set(labelIds)].filter((id) => idSchema.safeParse(id).success);
  if (ids.length === 0 || !idSchema.safeParse(workspaceId).success) return [];
  const rows = await selectLabels(LabelModel.query(session))
    .where('labels.workspace_id', workspaceId)
    .whereIn('labels.id', ids);
  return rows.map(toLabel);
}

import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { selectLabels, toLabel, type Label } from '../label';
import { LabelModel } from '../models/label-model';
import { listLabelsInput } from '../schemas';

/** The workspace's labels ordered by name. Any member may list them. */
export async function listLabels(
  session: Session,
  actor: Actor,
  input: z.input<typeof listLabelsInput>,
): Promise<Label[]> {
  const { workspaceId } = listLabelsInput.parse(input);
  await requireRole(session, actor, workspaceId, 'viewer');
  const rows = await selectLabels(LabelModel.query(session)).where(
    'labels.workspace_id',
    workspaceId,
  );
  return rows.map(toLabel);
}

import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { toLabel, type Label } from '../label';
import { createLabelInput, MAX_LABELS_PER_WORKSPACE } from '../schemas';

const NAME_TAKEN = 'labels_workspace_id_name_key';

/**
 * Creates a label (member or above). A name already used in the workspace, in any case, is a
 * ConflictError, and so is a label past MAX_LABELS_PER_WORKSPACE (labels.list is not paged:
 * its answer is bounded by this quota).
 */
export async function createLabel(
  session: Session,
  actor: Actor,
  input: z.input<typeof createLabelInput>,
): Promise<Label> {
  const { workspaceId, name, color } = createLabelInput.parse(input);
  await requireRole(session, actor, workspaceId, 'member');
  let rows: Label[];
  try {
    // The quota is checked in the insert itself: no extra query, and an insert past it adds nothing.
    ({ rows } = await session.raw<{ rows: Label[] }>(
      `insert into labels (workspace_id, name, color)
       select ?, ?, ? where (select count(*) from labels where workspace_id = ?) < ?
       returning id, name, color`,
      [workspaceId, name, color, workspaceId, MAX_LABELS_PER_WORKSPACE],
    ));
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === NAME_TAKEN) {
      throw new ConflictError(`A label named "${name}" already exists in this workspace`);
    }
    throw error;
  }
  const [label] = rows;
  if (!label) {
    throw new ConflictError(
      `A workspace holds at most ${MAX_LABELS_PER_WORKSPACE} labels; this one is full`,
    );
  }
  return toLabel(label);
}

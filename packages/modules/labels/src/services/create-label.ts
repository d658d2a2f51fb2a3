import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError, type Actor } from '@trellis/kernel';
import { requireRole } from '@trellis/workspaces';
import type { z } from 'zod';
import { toLabel, type Label } from '../label';
import { LabelModel } from '../models/label-model';
import { createLabelInput } from '../schemas';

const NAME_TAKEN = 'labels_workspace_id_name_key';

/** Creates a label (member or above). A name already used in the workspace, in any case, is a ConflictError. */
export async function createLabel(
  session: Session,
  actor: Actor,
  input: z.input<typeof createLabelInput>,
): Promise<Label> {
  const { workspaceId, name, color } = createLabelInput.parse(input);
  await requireRole(session, actor, workspaceId, 'member');
  try {
    const label = await LabelModel.query(session).insert({ workspaceId, name, color });
    return toLabel(label);
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === NAME_TAKEN) {
      throw new ConflictError(`A label named "${name}" already exists in this workspace`);
    }
    throw error;
  }
}

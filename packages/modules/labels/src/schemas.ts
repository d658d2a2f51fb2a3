import { idSchema, requiredText } from '@trellis/kernel';
import { z } from 'zod';

/** Most labels one workspace holds: labels.list returns them all, so this bounds its answer. */
export const MAX_LABELS_PER_WORKSPACE = 500;

export const createLabelInput = z.strictObject({
  workspaceId: idSchema,
  name: requiredText(50),
  /** Stored lower-case, so `#FF0000` and `#ff0000` are one colour. */
  color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'a hex colour such as #1f883d')
    .toLowerCase(),
});

export const listLabelsInput = z.strictObject({
  workspaceId: idSchema,
});

export const labelSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  color: z.string(),
});

import { idSchema } from '@trellis/kernel';
import { userSchema, type User } from '@trellis/identity';
import { z } from 'zod';
import { ACTIVITY_KINDS, type ActivityKind } from './activity-kind';

export interface ActivityEntry {
  id: string;
  kind: ActivityKind;
  actor: User;
  taskId: string | null;
  createdAt: Date;
  data: Record<string, unknown>;
}

export const activityEntrySchema = z.object({
  id: z.uuid(),
  kind: z.enum(ACTIVITY_KINDS),
  actor: userSchema,
  taskId: z.uuid().nullable(),
  createdAt: z.date(),
  data: z.record(z.string(), z.unknown()),
});

export const listActivityInput = z.strictObject({
  workspaceId: idSchema,
  limit: z.number().int().min(1).max(100).default(50),
  /**
   * The cursor: the `id` of the last entry of the previous page. The page continues with the
   * entries older than it (keyset on created_at, id, so entries added meanwhile shift nothing).
   * An id that is not an entry of this workspace gives an empty page.
   */
  before: idSchema.optional(),
});

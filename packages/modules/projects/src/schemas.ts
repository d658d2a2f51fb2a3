import { idSchema, requiredText } from '@trellis/kernel';
import { z } from 'zod';

/** Most projects one workspace holds: projects.list returns them all, so this bounds its answer. */
export const MAX_PROJECTS_PER_WORKSPACE = 200;

export const createProjectInput = z.strictObject({
  workspaceId: idSchema,
  key: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, '2 to 10 upper-case letters or digits, starting with a letter'),
  name: requiredText(100),
});

/**
 * A project key to look up, as people type it: case-insensitive (read as upper case), so
 * `eng` finds ENG.
 */
export const getProjectByKeyInput = z.strictObject({
  workspaceId: idSchema,
  key: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, '2 to 10 letters or digits, starting with a letter'),
});

export const listProjectsInput = z.strictObject({
  workspaceId: idSchema,
});

export const projectSchema = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  key: z.string(),
  name: z.string(),
});

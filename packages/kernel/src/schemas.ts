import { z } from 'zod';

/** Every id is a UUID: opaque to clients and not enumerable across tenants. */
export const idSchema = z.uuid();

/** A required text field: trimmed, and blank after trimming is rejected. */
export function requiredText(max: number) {
  return z.string().trim().min(1, 'must not be blank').max(max);
}

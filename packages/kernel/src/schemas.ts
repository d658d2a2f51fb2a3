import { z } from 'zod';

/** Every id is a UUID: opaque to clients and not enumerable across tenants. */
export const idSchema = z.uuid();

// A UTF-16 surrogate without its partner: JSON lets it through, but it is not text, and
// PostgreSQL would store it as U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Free text: well-formed Unicode, at most `max` characters. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((value) => !LONE_SURROGATE.test(value), 'must be valid Unicode text');
}

/** A required text field: trimmed, and blank after trimming is rejected. */
export function requiredText(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be blank')
    .max(max)
    .refine((value) => !LONE_SURROGATE.test(value), 'must be valid Unicode text');
}

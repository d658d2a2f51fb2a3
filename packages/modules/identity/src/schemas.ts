import { requiredText } from '@trellis/kernel';
import { z } from 'zod';

/** Trimmed and lower-cased before it is checked, so one mailbox is one account. */
const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
});

export const signUpInput = z.strictObject({
  email: emailSchema,
  password: z.string().min(10).max(200),
  name: requiredText(100),
});

export const signInInput = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(200),
});

export const authResultSchema = z.object({
  token: z.string(),
  user: userSchema,
});

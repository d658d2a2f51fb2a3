import type { Session } from '@trellis/db';
import { UnauthorizedError } from '@trellis/kernel';
import type { z } from 'zod';
import { signInInput } from '../schemas';
import type { User } from '../user';
import { issueToken } from './issue-token';
import { verifyCredentials } from './verify-credentials';

/** One message for an unknown email and a wrong password, so neither is revealed. */
export const INVALID_CREDENTIALS = 'Invalid email or password';

/** Sign-in without throttling, hashing inside the caller's session (internal callers, tests); the API uses signInThrottled. */
export async function signIn(
  session: Session,
  input: z.input<typeof signInInput>,
): Promise<{ token: string; user: User }> {
  const { email, password } = signInInput.parse(input);
  const user = await verifyCredentials(session, email, password);
  if (!user) throw new UnauthorizedError(INVALID_CREDENTIALS);
  return { token: await issueToken(session, user.id), user };
}

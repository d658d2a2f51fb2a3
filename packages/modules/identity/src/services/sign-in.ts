import type { Session } from '@trellis/db';
import { UnauthorizedError } from '@trellis/kernel';
import type { z } from 'zod';
import { spendPasswordCheck, verifyPassword } from '../credentials/password-hash';
import { UserModel } from '../models/user-model';
import { signInInput } from '../schemas';
import { toUser, type User } from '../user';
import { issueToken } from './issue-token';

/** One message for an unknown email and a wrong password, so neither is revealed. */
const INVALID_CREDENTIALS = 'Invalid email or password';

export async function signIn(
  session: Session,
  input: z.input<typeof signInInput>,
): Promise<{ token: string; user: User }> {
  const { email, password } = signInInput.parse(input);
  const user = await UserModel.query(session)
    .select('id', 'email', 'name', 'password_hash')
    .where('email', email)
    .first();
  if (!user) {
    await spendPasswordCheck(password);
    throw new UnauthorizedError(INVALID_CREDENTIALS);
  }
  if (!(await verifyPassword(password, user.passwordHash))) {
    throw new UnauthorizedError(INVALID_CREDENTIALS);
  }
  const token = await issueToken(session, user.id);
  return { token, user: toUser(user) };
}

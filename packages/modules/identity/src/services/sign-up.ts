import { UniqueViolationError, toDatabaseError, type Session } from '@trellis/db';
import { ConflictError } from '@trellis/kernel';
import type { z } from 'zod';
import { hashPassword } from '../credentials/password-hash';
import { UserModel } from '../models/user-model';
import { signUpInput } from '../schemas';
import { toUser, type User } from '../user';
import { issueToken } from './issue-token';

const EMAIL_TAKEN = 'users_email_key';

/**
 * Creates an account and signs it in, hashing inside the caller's session (internal callers,
 * seeds, tests). The API uses signUpThrottled, which hashes with no connection held.
 */
export async function signUp(
  session: Session,
  input: z.input<typeof signUpInput>,
): Promise<{ token: string; user: User }> {
  const parsed = signUpInput.parse(input);
  return createAccount(session, parsed, await hashPassword(parsed.password));
}

/** The account row and a token, from an input already parsed and a password already hashed. */
export async function createAccount(
  session: Session,
  { email, name }: Pick<z.output<typeof signUpInput>, 'email' | 'name'>,
  passwordHash: string,
): Promise<{ token: string; user: User }> {
  let user: UserModel;
  try {
    user = await UserModel.query(session).insert({ email, name, passwordHash });
  } catch (error) {
    const mapped = toDatabaseError(error);
    if (mapped instanceof UniqueViolationError && mapped.constraint === EMAIL_TAKEN) {
      throw new ConflictError('An account with this email already exists');
    }
    throw error;
  }
  const token = await issueToken(session, user.id);
  return { token, user: toUser(user) };
}

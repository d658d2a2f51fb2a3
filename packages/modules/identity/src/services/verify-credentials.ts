import type { Session } from '@trellis/db';
import { spendPasswordCheck, verifyPassword } from '../credentials/password-hash';
import { UserModel } from '../models/user-model';
import { toUser, type User } from '../user';

/**
 * The user whose email and password these are, or null. An unknown email still spends one
 * password hash, so the answer takes as long either way and does not reveal which emails exist.
 */
export async function verifyCredentials(
  session: Session,
  email: string,
  password: string,
): Promise<User | null> {
  const user = await UserModel.query(session)
    .select('id', 'email', 'name', 'password_hash')
    .where('email', email)
    .first();
  if (!user) {
    await spendPasswordCheck(password);
    return null;
  }
  return (await verifyPassword(password, user.passwordHash)) ? toUser(user) : null;
}

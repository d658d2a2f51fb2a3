import type { Session } from '@trellis/db';
import { UserModel } from '../models/user-model';
import { USER_COLUMNS, toUser, type User } from '../user';

/** Looks a user up by email, normalised the way sign-up stores it. */
export async function findUserByEmail(session: Session, email: string): Promise<User | null> {
  const user = await UserModel.query(session)
    .select(...USER_COLUMNS)
    .where('users.email', email.trim().toLowerCase())
    .first();
  return user ? toUser(user) : null;
}

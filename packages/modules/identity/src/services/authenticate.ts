import type { Session } from '@trellis/db';
import { hashToken, isPlausibleToken } from '../credentials/auth-token';
import { UserModel } from '../models/user-model';
import { USER_COLUMNS, toUser, type User } from '../user';

/**
 * The user a bearer token belongs to, or null when the token is unknown, expired or revoked.
 * Exactly one query: it runs on every request.
 */
export async function authenticate(session: Session, token: string): Promise<User | null> {
  if (!isPlausibleToken(token)) return null;
  const user = await UserModel.query(session)
    .select(...USER_COLUMNS)
    .join('auth_tokens as token', 'token.user_id', 'users.id')
    .where('token.token_hash', hashToken(token))
    .whereNull('token.revoked_at')
    .where('token.expires_at', '>', session.knex.fn.now())
    .first();
  return user ? toUser(user) : null;
}

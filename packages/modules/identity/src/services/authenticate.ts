import type { Session } from '@trellis/db';
import { hashToken, isPlausibleToken } from '../credentials/auth-token';
import { toUser, type User } from '../user';

// Every request runs this: one statement, sent without a query builder (see Session.query).
const USER_BY_TOKEN_SQL = `
  select users.id, users.email, users.name
  from auth_tokens as token
  join users on users.id = token.user_id
  where token.token_hash = $1 and token.revoked_at is null and token.expires_at > now()
  limit 1`;

/**
 * The user a bearer token belongs to, or null when the token is unknown, expired or revoked.
 * Exactly one query: it runs on every request.
 */
export async function authenticate(session: Session, token: string): Promise<User | null> {
  if (!isPlausibleToken(token)) return null;
  const [row] = await session.query<User>(USER_BY_TOKEN_SQL, [hashToken(token)], { prepare: true });
  return row ? toUser(row) : null;
}

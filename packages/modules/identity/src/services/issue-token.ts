import type { Session } from '@trellis/db';
import { TOKEN_LIFETIME_MS, newToken } from '../credentials/auth-token';
import { AuthTokenModel } from '../models/auth-token-model';

/** Stores the digest of a fresh token for `userId` and returns the token itself (shown once). */
export async function issueToken(session: Session, userId: string): Promise<string> {
  const { token, tokenHash } = newToken();
  await AuthTokenModel.query(session).insert({
    userId,
    tokenHash,
    expiresAt: new Date(Date.now() + TOKEN_LIFETIME_MS),
  });
  return token;
}

import type { Session } from '@trellis/db';
import { hashToken, isPlausibleToken } from '../credentials/auth-token';
import { AuthTokenModel } from '../models/auth-token-model';

/** Revokes the token at once. Unknown or already revoked tokens are ignored. */
export async function signOut(session: Session, token: string): Promise<void> {
  if (!isPlausibleToken(token)) return;
  await AuthTokenModel.query(session)
    .patch({ revokedAt: new Date() })
    .where('token_hash', hashToken(token))
    .whereNull('revoked_at');
}

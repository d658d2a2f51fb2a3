import { hash, randomBytes } from 'node:crypto';

/** How long a token issued at sign-up or sign-in stays valid. */
export const TOKEN_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;

/** Tokens are 32 random bytes in base64url: 43 characters. Anything far longer is not ours. */
const MAX_TOKEN_LENGTH = 128;

/**
 * Only this digest is stored: a leaked table does not hand out sessions. Every authenticated
 * request computes it: the one-shot `hash` costs a third of a `createHash` object.
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

export function newToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, tokenHash: hashToken(token) };
}

/** True for a string that could be a token we issued; others are refused without a query. */
export function isPlausibleToken(token: unknown): token is string {
  return typeof token === 'string' && token.length > 0 && token.length <= MAX_TOKEN_LENGTH;
}

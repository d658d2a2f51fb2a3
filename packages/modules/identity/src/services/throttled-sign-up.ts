import type { Database, TransactionOptions } from '@trellis/db';
import { TooManyRequestsError } from '@trellis/kernel';
import type { z } from 'zod';
import { hashPassword } from '../credentials/password-hash';
import type { PasswordHashQueue } from '../credentials/password-hash-queue';
import { signUpInput } from '../schemas';
import { countAttempt } from '../throttle/sign-in-failures';
import { signUpSubject, type SignUpThrottlePolicy } from '../throttle/sign-in-throttle-policy';
import type { User } from '../user';
import { createAccount } from './sign-up';

export interface ThrottledSignUpContext {
  /** The client's address (IPv6 is counted by /64); absent for internal callers: not throttled. */
  clientAddress?: string | undefined;
  policy: SignUpThrottlePolicy;
  /** Bounds the password hashes running at once in this process. */
  hashQueue: PasswordHashQueue;
  /** Options of the transactions (deadline, the request's query counter). */
  transaction?: TransactionOptions;
}

/**
 * Sign-up as the API runs it; like signInThrottled it manages its own transactions so that no
 * connection is held while the password is hashed:
 *
 * 1. the attempt is counted against the client address in a transaction of its own (refused
 *    past `policy.perAddress` in the window, before any hashing, writing nothing);
 * 2. the password is hashed through the hash queue, with no connection;
 * 3. a second transaction creates the account and its token (a taken email: ConflictError).
 */
export async function signUpThrottled(
  db: Database,
  input: z.input<typeof signUpInput>,
  context: ThrottledSignUpContext,
): Promise<{ token: string; user: User }> {
  const parsed = signUpInput.parse(input);
  const { clientAddress, policy } = context;
  if (clientAddress) {
    const count = await db.transaction(
      (session) =>
        countAttempt(session, [signUpSubject(clientAddress, policy)], policy.windowSeconds),
      context.transaction,
    );
    if (count.refused) {
      throw new TooManyRequestsError(
        'Too many sign-ups from this address; try again later',
        count.secondsLeft,
      );
    }
  }
  const passwordHash = await context.hashQueue.run(() => hashPassword(parsed.password));
  return db.transaction(
    (session) => createAccount(session, parsed, passwordHash),
    context.transaction,
  );
}

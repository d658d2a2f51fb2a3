import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, TransactionOptions } from '@trellis/db';
import { TooManyRequestsError, UnauthorizedError } from '@trellis/kernel';
import type { z } from 'zod';
import { spendPasswordCheck, verifyPassword } from '../credentials/password-hash';
import type { PasswordHashQueue } from '../credentials/password-hash-queue';
import { UserModel } from '../models/user-model';
import { signInInput } from '../schemas';
import { countAttempt, forgiveAttempt } from '../throttle/sign-in-failures';
import {
  signInSubjects,
  slowDownDelayMs,
  type SignInThrottlePolicy,
} from '../throttle/sign-in-throttle-policy';
import { toUser, type User } from '../user';
import { issueToken } from './issue-token';
import { INVALID_CREDENTIALS } from './sign-in';

export interface ThrottledSignInContext {
  /** The client's address (IPv6 is counted by /64); absent for internal callers. */
  clientAddress?: string | undefined;
  policy: SignInThrottlePolicy;
  /** Bounds the password checks running at once in this process. */
  hashQueue: PasswordHashQueue;
  /** Options of both transactions (deadline, the request's query counter). */
  transaction?: TransactionOptions;
  /** How the slow-down delay is waited out (tests record it instead). */
  wait?: (ms: number) => Promise<unknown>;
}

/**
 * Sign-in as the API runs it. It takes the database, not a session, because it manages its own
 * transactions so that NO connection is held while the password is hashed:
 *
 * 1. one short transaction, committed at once: the attempt is counted (per email, per (email,
 *    address) pair and per address; see SignInThrottlePolicy) and the user's hash is read; a
 *    subject at its limit refuses the attempt with TooManyRequestsError and nothing is written;
 * 2. no connection: the password is checked through the hash queue (an unknown email spends a
 *    decoy check, so timing does not reveal it); a full queue is TooManyRequestsError;
 * 3. on success only, a second transaction gives the attempt back and issues the token; on
 *    failure the slow-down delay is waited out (no connection held) and UnauthorizedError thrown.
 */
export async function signInThrottled(
  db: Database,
  input: z.input<typeof signInInput>,
  context: ThrottledSignInContext,
): Promise<{ token: string; user: User }> {
  const { email, password } = signInInput.parse(input);
  const { policy } = context;
  const subjects = signInSubjects(email, context.clientAddress, policy);
  const all = [subjects.email, subjects.pair, subjects.address].filter((subject) => !!subject);

  const reserved = await db.transaction(async (session) => {
    const count = await countAttempt(session, all, policy.windowSeconds);
    if (count.refused) return count;
    const user = await UserModel.query(session)
      .select('id', 'email', 'name', 'password_hash')
      .where('email', email)
      .first();
    return { ...count, user };
  }, context.transaction);
  if (reserved.refused) {
    throw new TooManyRequestsError(
      'Too many failed sign-ins; try again later',
      reserved.secondsLeft,
    );
  }

  const { user } = reserved;
  const valid = await context.hashQueue.run(async () => {
    if (user) return verifyPassword(password, user.passwordHash);
    await spendPasswordCheck(password);
    return false;
  });

  if (!valid || !user) {
    const failures = Math.max(
      reserved.failures.get(subjects.email.name) ?? 0,
      subjects.pair ? (reserved.failures.get(subjects.pair.name) ?? 0) : 0,
    );
    const delayMs = slowDownDelayMs(policy, failures);
    if (delayMs > 0) await (context.wait ?? sleep)(delayMs);
    throw new UnauthorizedError(INVALID_CREDENTIALS);
  }

  const token = await db.transaction(async (session) => {
    const cleared = [subjects.email.name, ...(subjects.pair ? [subjects.pair.name] : [])];
    await forgiveAttempt(session, cleared, subjects.address?.name);
    return issueToken(session, user.id);
  }, context.transaction);
  return { token, user: toUser(user) };
}

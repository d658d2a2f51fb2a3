import type { Session } from '@trellis/db';
import type { z } from 'zod';
import { signInInput } from '../schemas';
import { clearFailures, readFailures, recordFailure } from '../throttle/sign-in-failures';
import {
  DEFAULT_SIGN_IN_THROTTLE,
  signInSubjects,
  slowDownDelayMs,
  type SignInThrottlePolicy,
} from '../throttle/sign-in-throttle-policy';
import type { User } from '../user';
import { issueToken } from './issue-token';
import { verifyCredentials } from './verify-credentials';

export type SignInAttempt =
  | { ok: true; token: string; user: User }
  /** Wrong email or password: answer after `delayMs` (0 until the slow-down starts). */
  | { ok: false; reason: 'invalid_credentials'; delayMs: number }
  /** Too many failures for this email or client address: refused without checking the password. */
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * A throttled sign-in. It returns its outcome instead of throwing, so that the caller's
 * transaction commits the failure count it records: the counter must survive a failed attempt.
 */
export async function attemptSignIn(
  session: Session,
  input: z.input<typeof signInInput>,
  context: { clientAddress?: string; policy?: SignInThrottlePolicy } = {},
): Promise<SignInAttempt> {
  const policy = context.policy ?? DEFAULT_SIGN_IN_THROTTLE;
  const { email, password } = signInInput.parse(input);
  const subjects = signInSubjects(email, context.clientAddress);

  const current = await readFailures(session, subjects, policy);
  if (current.failures >= policy.refuseAfter) {
    return { ok: false, reason: 'throttled', retryAfterSeconds: current.secondsLeft };
  }
  const user = await verifyCredentials(session, email, password);
  if (!user) {
    const failures = await recordFailure(session, subjects, policy);
    return { ok: false, reason: 'invalid_credentials', delayMs: slowDownDelayMs(policy, failures) };
  }
  // Only the email's counter: a valid account must not reset the counter of an address.
  if (current.failures > 0) await clearFailures(session, subjects[0]!);
  return { ok: true, token: await issueToken(session, user.id), user };
}

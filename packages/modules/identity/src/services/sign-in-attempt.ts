import type { Session } from '@trellis/db';
import type { z } from 'zod';
import { signInInput } from '../schemas';
import { countAttempt, forgiveAttempt } from '../throttle/sign-in-failures';
import {
  DEFAULT_SIGN_IN_THROTTLE,
  signInSubjects,
  slowDownDelayMs,
  type SignInThrottlePolicy,
} from '../throttle/sign-in-throttle-policy';
import type { User } from '../user';
import { issueToken } from './issue-token';
import { verifyCredentials } from './verify-credentials';

export interface SignInContext {
  clientAddress?: string | undefined;
  policy?: SignInThrottlePolicy;
}

export type SignInReservation =
  | { ok: true; attempts: number }
  /** Too many attempts for this email or client address: refused without checking the password. */
  | { ok: false; retryAfterSeconds: number };

export type SignInOutcome =
  | { ok: true; token: string; user: User }
  /** Wrong email or password: answer after `delayMs` (0 until the slow-down starts). */
  | { ok: false; delayMs: number };

/**
 * Step 1 of a throttled sign-in, in a transaction of its own that commits at once: counts the
 * attempt against its email and client address, and refuses it past the policy's limit. Run
 * apart from step 2, no lock on a counter is held while the password hash is computed.
 */
export async function reserveSignInAttempt(
  session: Session,
  input: Pick<z.input<typeof signInInput>, 'email'>,
  context: SignInContext = {},
): Promise<SignInReservation> {
  const policy = context.policy ?? DEFAULT_SIGN_IN_THROTTLE;
  const email = signInInput.shape.email.parse(input.email);
  const count = await countAttempt(session, signInSubjects(email, context.clientAddress), policy);
  return count.attempts > policy.refuseAfter
    ? { ok: false, retryAfterSeconds: count.secondsLeft }
    : { ok: true, attempts: count.attempts };
}

/**
 * Step 2: checks the password. A success issues a token and takes the attempt back; a failure
 * leaves it counted and says how long to wait before answering.
 */
export async function completeSignIn(
  session: Session,
  input: z.input<typeof signInInput>,
  reservation: { attempts: number },
  context: SignInContext = {},
): Promise<SignInOutcome> {
  const policy = context.policy ?? DEFAULT_SIGN_IN_THROTTLE;
  const { email, password } = signInInput.parse(input);
  const user = await verifyCredentials(session, email, password);
  if (!user) return { ok: false, delayMs: slowDownDelayMs(policy, reservation.attempts) };
  const [emailSubject, addressSubject] = signInSubjects(email, context.clientAddress);
  await forgiveAttempt(session, emailSubject!, addressSubject);
  return { ok: true, token: await issueToken(session, user.id), user };
}

import { addressGroup } from './address-group';

/**
 * How failed sign-ins are slowed, then refused. Three counters, so that an attacker cannot lock
 * a victim out of their own account (which a per-email refusal allowed: 11 wrong guesses from
 * anywhere, and the right password from the victim's own address was refused for 15 minutes):
 *
 * - per (email, client address): refused from `refuseAfter` failures. This is what stops
 *   guessing one account's password; the victim's own address has its own, clean counter;
 * - per client address, across emails: refused from `addressRefuseAfter` failures (password
 *   spraying from one address; IPv6 counted by /64);
 * - per email, from any address: only slowed down (from `slowDownAfter` failures each further
 *   failure is answered after a growing delay), never refused.
 */
export interface SignInThrottlePolicy {
  /** Failures are counted per subject within this window, which starts at the first failure. */
  windowSeconds: number;
  /** From this many failures of an email (or an email and address) on, failures are answered late. */
  slowDownAfter: number;
  /** From this many failures of one email from one address, that pair is refused until its window ends. */
  refuseAfter: number;
  /** From this many failures from one address (any email), the address is refused until its window ends. */
  addressRefuseAfter: number;
  /** The delay at the first slowed failure; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = {
  windowSeconds: 15 * 60,
  slowDownAfter: 5,
  refuseAfter: 10,
  addressRefuseAfter: 30,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
};

/** Sign-ups per client address (IPv6 by /64) within a window: each attempt counts, refused past it. */
export interface SignUpThrottlePolicy {
  windowSeconds: number;
  perAddress: number;
}

export const DEFAULT_SIGN_UP_THROTTLE: SignUpThrottlePolicy = {
  windowSeconds: 60 * 60,
  perAddress: 20,
};

export function slowDownDelayMs(policy: SignInThrottlePolicy, failures: number): number {
  if (failures < policy.slowDownAfter) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - policy.slowDownAfter));
}

/** One counter an attempt is counted against; `refuseAfter` 0 means it only slows. */
export interface ThrottleSubject {
  name: string;
  refuseAfter: number;
}

/** The counters a sign-in attempt is counted against (see SignInThrottlePolicy). */
export function signInSubjects(
  email: string,
  clientAddress: string | undefined,
  policy: SignInThrottlePolicy,
): { email: ThrottleSubject; pair?: ThrottleSubject; address?: ThrottleSubject } {
  // Without an address (internal callers) the email alone is refused, as a pair would be.
  if (!clientAddress) return { email: { name: `email:${email}`, refuseAfter: policy.refuseAfter } };
  const group = addressGroup(clientAddress);
  return {
    email: { name: `email:${email}`, refuseAfter: 0 },
    pair: { name: `pair:${group}|${email}`, refuseAfter: policy.refuseAfter },
    address: { name: `address:${group}`, refuseAfter: policy.addressRefuseAfter },
  };
}

/** The counter of sign-ups from one client address. */
export function signUpSubject(
  clientAddress: string,
  policy: SignUpThrottlePolicy,
): ThrottleSubject {
  return { name: `sign-up:${addressGroup(clientAddress)}`, refuseAfter: policy.perAddress };
}

/** How repeated failed sign-ins are slowed, then refused. */
export interface SignInThrottlePolicy {
  /** Failures are counted per subject within this window, which starts at the first failure. */
  windowSeconds: number;
  /** From this many failures on, each further failure is answered only after a growing delay. */
  slowDownAfter: number;
  /** From this many failures on, sign-in is refused until the window ends. */
  refuseAfter: number;
  /** The delay at the first slowed failure; it doubles with each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottlePolicy = {
  windowSeconds: 15 * 60,
  slowDownAfter: 5,
  refuseAfter: 10,
  baseDelayMs: 250,
  maxDelayMs: 2_000,
};

export function slowDownDelayMs(policy: SignInThrottlePolicy, failures: number): number {
  if (failures < policy.slowDownAfter) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - policy.slowDownAfter));
}

/** The subjects a sign-in attempt counts against: its email, and the client address when known. */
export function signInSubjects(email: string, clientAddress: string | undefined): string[] {
  return clientAddress ? [`email:${email}`, `address:${clientAddress}`] : [`email:${email}`];
}

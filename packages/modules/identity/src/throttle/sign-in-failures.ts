import type { Session } from '@trellis/db';
import type { SignInThrottlePolicy } from './sign-in-throttle-policy';

/**
 * `sign_in_failures` counts, per subject, the sign-in attempts of the current window that
 * have not been proven good: an attempt is counted BEFORE its password is checked (so a burst
 * of concurrent guesses cannot all pass a check-then-count race) and taken back when it
 * succeeds.
 */
export interface AttemptCount {
  /** The highest count among the subjects, this attempt included. */
  attempts: number;
  /** Seconds until the window of the most-counted subject ends. */
  secondsLeft: number;
}

/** One statement: counts an attempt against every subject (a fresh window when the old one has ended). */
export async function countAttempt(
  session: Session,
  subjects: readonly string[],
  policy: SignInThrottlePolicy,
): Promise<AttemptCount> {
  const { rows } = await session.raw<{ rows: Array<{ failures: number; seconds_left: number }> }>(
    `insert into sign_in_failures as f (subject, failures, window_started_at, last_failed_at)
     select subject, 1, now(), now() from unnest(?::text[]) as subject
     on conflict (subject) do update set
       failures = case when f.window_started_at <= now() - make_interval(secs => ?) then 1 else f.failures + 1 end,
       window_started_at = case when f.window_started_at <= now() - make_interval(secs => ?) then now() else f.window_started_at end,
       last_failed_at = now()
     returning failures,
       ceil(extract(epoch from window_started_at + make_interval(secs => ?) - now()))::int as seconds_left`,
    [[...subjects], policy.windowSeconds, policy.windowSeconds, policy.windowSeconds],
  );
  const worst = rows.reduce((max, row) => (row.failures > max.failures ? row : max), rows[0]!);
  return { attempts: worst.failures, secondsLeft: Math.max(1, worst.seconds_left) };
}

/**
 * One statement, after a successful sign-in: the email's count is cleared; the address's count
 * gives back this one attempt (other people may sign in from the same address).
 */
export async function forgiveAttempt(
  session: Session,
  emailSubject: string,
  addressSubject?: string,
): Promise<void> {
  await session.raw(
    `with cleared as (
       delete from sign_in_failures
        where subject = ? or (subject = ? and failures <= 1)
     )
     update sign_in_failures set failures = failures - 1 where subject = ? and failures > 1`,
    [emailSubject, addressSubject ?? null, addressSubject ?? null],
  );
}

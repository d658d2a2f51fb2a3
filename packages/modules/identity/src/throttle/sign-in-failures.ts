import type { Session } from '@trellis/db';
import type { SignInThrottlePolicy } from './sign-in-throttle-policy';

export interface FailureCount {
  /** The highest failure count among the subjects, within the current window. */
  failures: number;
  /** Seconds until the window of the most-failed subject ends. */
  secondsLeft: number;
}

/** One query: the worst current failure count among `subjects`. */
export async function readFailures(
  session: Session,
  subjects: readonly string[],
  policy: SignInThrottlePolicy,
): Promise<FailureCount> {
  const { rows } = await session.raw<{ rows: Array<{ failures: number; seconds_left: number }> }>(
    `select failures,
            ceil(extract(epoch from window_started_at + make_interval(secs => ?) - now()))::int as seconds_left
       from sign_in_failures
      where subject = any(?::text[])
        and window_started_at > now() - make_interval(secs => ?)
      order by failures desc
      limit 1`,
    [policy.windowSeconds, [...subjects], policy.windowSeconds],
  );
  const worst = rows[0];
  return worst
    ? { failures: worst.failures, secondsLeft: Math.max(1, worst.seconds_left) }
    : { failures: 0, secondsLeft: 0 };
}

/** One query: adds a failure to each subject (a fresh window when the old one has ended); returns the new worst count. */
export async function recordFailure(
  session: Session,
  subjects: readonly string[],
  policy: SignInThrottlePolicy,
): Promise<number> {
  const { rows } = await session.raw<{ rows: Array<{ failures: number }> }>(
    `insert into sign_in_failures as f (subject, failures, window_started_at, last_failed_at)
     select subject, 1, now(), now() from unnest(?::text[]) as subject
     on conflict (subject) do update set
       failures = case when f.window_started_at <= now() - make_interval(secs => ?) then 1 else f.failures + 1 end,
       window_started_at = case when f.window_started_at <= now() - make_interval(secs => ?) then now() else f.window_started_at end,
       last_failed_at = now()
     returning failures`,
    [[...subjects], policy.windowSeconds, policy.windowSeconds],
  );
  return Math.max(0, ...rows.map((row) => row.failures));
}

/** One query: forgets the failures of `subject` (after a successful sign-in to that email). */
export async function clearFailures(session: Session, subject: string): Promise<void> {
  await session.raw('delete from sign_in_failures where subject = ?', [subject]);
}

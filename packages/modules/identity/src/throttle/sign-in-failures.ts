import type { Session } from '@trellis/db';
import type { ThrottleSubject } from './sign-in-throttle-policy';

/**
 * `sign_in_failures` counts, per subject, the attempts of the current window that have not
 * been proven good (sign-ins) or that were made at all (sign-ups). An attempt is counted BEFORE
 * its password is checked or hashed, so a burst of concurrent attempts cannot all pass a
 * check-then-count race; a successful sign-in gives its attempt back.
 */
export type AttemptCount =
  /** A subject is at its limit: refused, and nothing was counted or inserted. */
  | { refused: true; secondsLeft: number }
  /** Counted: each subject's failures in its window, this attempt included. */
  | { refused: false; failures: ReadonlyMap<string, number> };

interface CountRow {
  blocked: boolean;
  subject: string;
  failures: number | null;
  seconds_left: number;
}

/**
 * One statement. When a subject is already at its limit (`failures >= refuseAfter`) the attempt
 * is refused and NOTHING is written: refused attempts add no rows, so a flood of them (or of
 * fresh emails from a refused address) cannot grow the table. Otherwise the attempt is counted
 * against every subject (a fresh window when the old one has ended). Concurrent attempts that
 * all passed the check are still caught: the upsert serialises on each row and returns the
 * count including the others, so the caller refuses whatever lands above the limit.
 */
export async function countAttempt(
  session: Session,
  subjects: readonly ThrottleSubject[],
  windowSeconds: number,
): Promise<AttemptCount> {
  const { rows } = await session.raw<{ rows: CountRow[] }>(
    `with subject as (
       select * from unnest(?::text[], ?::int[]) as s (name, refuse_after)
     ),
     blocked as (
       select f.subject,
              ceil(extract(epoch from f.window_started_at + make_interval(secs => ?) - now()))::int as seconds_left
         from sign_in_failures f
         join subject s on s.name = f.subject
        where s.refuse_after > 0
          and f.failures >= s.refuse_after
          and f.window_started_at > now() - make_interval(secs => ?)
     ),
     counted as (
       insert into sign_in_failures as f (subject, failures, window_started_at, last_failed_at)
       select name, 1, now(), now() from subject
        where not exists (select 1 from blocked)
        order by name
       on conflict (subject) do update set
         failures = case when f.window_started_at <= now() - make_interval(secs => ?) then 1 else f.failures + 1 end,
         window_started_at = case when f.window_started_at <= now() - make_interval(secs => ?) then now() else f.window_started_at end,
         last_failed_at = now()
       returning f.subject, f.failures,
         ceil(extract(epoch from f.window_started_at + make_interval(secs => ?) - now()))::int as seconds_left
     )
     select true as blocked, subject, null::int as failures, seconds_left from blocked
     union all
     select false, subject, failures, seconds_left from counted`,
    [
      subjects.map((subject) => subject.name),
      subjects.map((subject) => subject.refuseAfter),
      windowSeconds,
      windowSeconds,
      windowSeconds,
      windowSeconds,
      windowSeconds,
    ],
  );
  const secondsLeft = (selected: CountRow[]) =>
    Math.max(1, ...selected.map((row) => row.seconds_left));
  const blocked = rows.filter((row) => row.blocked);
  if (blocked.length > 0) return { refused: true, secondsLeft: secondsLeft(blocked) };
  // Concurrent attempts that passed the check together: those counted above a limit are refused.
  const limits = new Map(subjects.map((subject) => [subject.name, subject.refuseAfter]));
  const over = rows.filter((row) => {
    const limit = limits.get(row.subject) ?? 0;
    return limit > 0 && (row.failures ?? 0) > limit;
  });
  if (over.length > 0) return { refused: true, secondsLeft: secondsLeft(over) };
  return {
    refused: false,
    failures: new Map(rows.map((row) => [row.subject, row.failures ?? 0])),
  };
}

/**
 * One statement, after a successful sign-in: the email's and the (email, address) pair's
 * counts are cleared; the address's count gives back this one attempt (other people may sign in
 * from the same address).
 */
export async function forgiveAttempt(
  session: Session,
  cleared: readonly string[],
  addressSubject?: string,
): Promise<void> {
  await session.raw(
    `with cleared as (
       delete from sign_in_failures
        where subject = any(?::text[]) or (subject = ? and failures <= 1)
     )
     update sign_in_failures set failures = failures - 1 where subject = ? and failures > 1`,
    [[...cleared], addressSubject ?? null, addressSubject ?? null],
  );
}

/**
 * Deletes the counters whose window ended more than `olderThanSeconds` ago (pass the longest
 * window in use), at most `batchSize` rows per call, so a purge never holds long locks.
 */
export async function purgeStaleCounters(
  session: Session,
  olderThanSeconds: number,
  batchSize: number,
): Promise<number> {
  const { rowCount } = await session.raw<{ rowCount: number }>(
    `delete from sign_in_failures where subject in (
       select subject from sign_in_failures
        where window_started_at <= now() - make_interval(secs => ?)
        limit ?)`,
    [olderThanSeconds, batchSize],
  );
  return rowCount;
}

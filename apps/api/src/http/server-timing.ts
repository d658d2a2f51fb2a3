import type { QueryStats } from '@trellis/db';

/** `Server-Timing: db;dur=<ms>;desc="<n> queries"` for every query the request ran. */
export function serverTimingHeader(stats: QueryStats): string {
  return `db;dur=${stats.durationMs.toFixed(1)};desc="${stats.count} queries"`;
}

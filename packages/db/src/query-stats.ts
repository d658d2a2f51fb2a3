import { AsyncLocalStorage } from 'node:async_hooks';

/** How many application queries ran and how long they took in total. */
export class QueryStats {
  count = 0;
  durationMs = 0;

  record(durationMs: number): void {
    this.count += 1;
    this.durationMs += durationMs;
  }

  snapshot(): { count: number; durationMs: number } {
    return { count: this.count, durationMs: this.durationMs };
  }
}

const scopeStorage = new AsyncLocalStorage<QueryStats>();

/**
 * Runs `fn` with a request-level query scope: every session opened inside it also counts its
 * queries into `stats`. The API opens one per HTTP request for its Server-Timing header.
 */
export function withQueryStats<T>(stats: QueryStats, fn: () => T): T {
  return scopeStorage.run(stats, fn);
}

export function currentQueryStats(): QueryStats | undefined {
  return scopeStorage.getStore();
}

/** Test helper for N+1 checks: how many queries `fn` ran, and what it returned. */
export async function countQueries<T>(
  fn: () => Promise<T>,
): Promise<{ result: T; queries: number }> {
  const stats = new QueryStats();
  const result = await withQueryStats(stats, fn);
  return { result, queries: stats.count };
}

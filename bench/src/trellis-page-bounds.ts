/**
 * Trellis bounds every answer (issue 7): tasks.get carries the first COMMENTS_FIRST_PAGE
 * comments and a `commentsCursor` for the rest; a page of tasks or comments stops at the item
 * whose text (titles, descriptions, bodies, in UTF-16 code units) would pass MAX_PAGE_TEXT. The
 * references answer the same bytes, so they apply the same bounds. Values as in
 * packages/modules/tasks (schemas.ts, page-text-budget.ts); the equivalence test catches drift.
 */
export const COMMENTS_FIRST_PAGE = 20;
export const MAX_PAGE_TEXT = 128_000;

/** How many of `items` (in order) fit in `budget` characters of text; at least one. */
export function itemsWithinTextBudget<T>(
  items: readonly T[],
  textLength: (item: T) => number,
  budget: number = MAX_PAGE_TEXT,
): number {
  let used = 0;
  for (let index = 0; index < items.length; index += 1) {
    used += textLength(items[index]!);
    if (used > budget) return Math.max(1, index);
  }
  return items.length;
}

/** Trellis's comment cursor (CommentCursor): base64url of `c:<last comment id>`. */
export function encodeCommentCursor(lastCommentId: string): string {
  return Buffer.from(`c:${lastCommentId}`, 'utf8').toString('base64url');
}

/** Trellis's task cursor (TaskCursor): base64url of `n:<last number shown>`. */
export function encodeTaskCursor(lastNumber: number): string {
  return Buffer.from(`n:${lastNumber}`, 'utf8').toString('base64url');
}

/**
 * The most user-written text (titles, descriptions, comment bodies, in UTF-16 code units) one
 * page of tasks or comments may carry. A page is cut at the item that would pass it (always
 * keeping one), and its cursor continues from there: so an answer stays under about
 * 3 × MAX_PAGE_TEXT + the items' fixed fields (< 1 KB each) whatever the data, even a page of
 * 100 tasks with 20,000-character descriptions. See docs/threat-model.md (API4).
 */
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

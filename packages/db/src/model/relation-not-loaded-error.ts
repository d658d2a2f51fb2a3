/**
 * A relation was read that the query did not eager-load. Objection would quietly give
 * `undefined`; async code cannot lazy-load, so the mistake is reported at the line making it.
 */
export class RelationNotLoadedError extends Error {
  override readonly name = 'RelationNotLoadedError';
  constructor(
    readonly modelName: string,
    readonly relationName: string,
  ) {
    super(
      `${modelName}.${relationName} was read but not loaded. ` +
        `Load it with .withGraphFetched('[${relationName}]') on the query that fetched this ${modelName}.`,
    );
  }
}

import { TRPCError } from '@trpc/server';
import superjson from 'superjson';

/** The superjson types our inputs use: dates (task due dates), and undefined for absent fields. */
const ACCEPTED_TYPES: ReadonlySet<unknown> = new Set(['Date', 'undefined']);

/** More annotations than any of our inputs needs (a batch of tasks.update with every date set). */
const MAX_ANNOTATIONS = 100;
const MAX_PATH_LENGTH = 200;

function refuse(): never {
  throw new TRPCError({
    code: 'BAD_REQUEST',
    message: 'The input uses a serialized type this API does not accept (only Date)',
  });
}

function isAccepted(annotation: unknown): boolean {
  return Array.isArray(annotation) && annotation.length === 1 && ACCEPTED_TYPES.has(annotation[0]);
}

/**
 * superjson as the inputs' transformer, restricted before it runs: a `meta` may mark values as
 * `Date` or `undefined` only. Other types cost far more than their bytes (a `bigint` of 100,000
 * digits, sets and maps that superjson rebuilds, custom classes) and none of our procedures takes
 * them, so they are refused with BAD_REQUEST. `referentialEqualities` (superjson's marker for one
 * object referenced twice) is dropped: the JSON already carries every copy, so the value is the
 * same, only without shared identity. Outputs use superjson unchanged.
 */
export const inputTransformer = {
  serialize: (value: unknown) => superjson.serialize(value),
  deserialize(value: unknown): unknown {
    // Raw JSON sent without superjson's envelope would deserialize to undefined and fail
    // validation as "expected object, received undefined", which hides the actual mistake.
    if (
      value !== undefined &&
      (typeof value !== 'object' || value === null || !('json' in value))
    ) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message:
          'The input must be wrapped for superjson: send {"json": <input>} (dates also need "meta"; see "Wire format" in docs/api.md)',
      });
    }
    if (typeof value !== 'object' || value === null || !('meta' in value)) {
      return superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]);
    }
    const { json, meta } = value as { json?: unknown; meta?: unknown };
    if (meta === undefined || meta === null) return superjson.deserialize({ json: json as never });
    if (typeof meta !== 'object' || Array.isArray(meta)) refuse();
    const { values, v } = meta as { values?: unknown; v?: unknown };
    if (values === undefined) return superjson.deserialize({ json: json as never });
    if (Array.isArray(values)) {
      if (!isAccepted(values)) refuse();
    } else {
      if (typeof values !== 'object' || values === null) refuse();
      const entries = Object.entries(values);
      if (entries.length > MAX_ANNOTATIONS) refuse();
      for (const [path, annotation] of entries) {
        if (path.length > MAX_PATH_LENGTH || !isAccepted(annotation)) refuse();
      }
    }
    return superjson.deserialize({
      json: json as never,
      meta: { values: values as never, ...(v === 1 ? { v: 1 } : {}) },
    });
  },
};

import superjson from 'superjson';

const DATE: ['Date'] = ['Date'];

/** Raised inside the fast walk when a value needs superjson's full treatment. */
const NEEDS_SUPERJSON = Symbol('needs superjson');

type SuperJSONResult = ReturnType<typeof superjson.serialize>;

/**
 * superjson's wire format for what our procedures return (plain objects, arrays, strings,
 * finite numbers, booleans, null and Dates), found in one tight scan: superjson's generic
 * walker was ~7% of a tasks.list request in the profile, and a copying walk still ~8%. Nothing
 * is copied: `json` is the value itself, because every transport writes it with JSON.stringify,
 * which turns each Date into the same ISO string superjson writes (Date.prototype.toJSON is
 * toISOString); the scan only records the dates' dotted paths for `meta.values`, in walk order,
 * with `v: 1` (no `meta` without a date). Anything else (undefined, -0, NaN, Infinity, bigint,
 * Map, Set, class instances, an object reached twice (referential equality), keys that need
 * path escaping) goes to superjson itself, so the text on the wire never differs from it
 * (test/output-transformer.test.ts).
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  const values: Record<string, ['Date']> = {};
  const path: Array<string | number> = [];
  const seen = new Set<object>();
  let dates = 0;
  let rootIsDate = false;

  const scan = (input: unknown): void => {
    if (input === null) return;
    switch (typeof input) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(input) || Object.is(input, -0)) throw NEEDS_SUPERJSON;
        return;
      case 'object':
        break;
      default:
        throw NEEDS_SUPERJSON;
    }
    if (seen.has(input)) throw NEEDS_SUPERJSON;
    seen.add(input);
    if (input instanceof Date) {
      if (Number.isNaN(input.getTime())) throw NEEDS_SUPERJSON;
      if (path.length === 0) rootIsDate = true;
      else values[path.join('.')] = DATE;
      dates += 1;
      return;
    }
    if (Array.isArray(input)) {
      for (let index = 0; index < input.length; index += 1) {
        path.push(index);
        scan(input[index]);
        path.pop();
      }
      return;
    }
    const prototype: unknown = Object.getPrototypeOf(input);
    if (prototype !== Object.prototype && prototype !== null) throw NEEDS_SUPERJSON;
    for (const key of Object.keys(input)) {
      if (key.includes('.') || key.includes('\\')) throw NEEDS_SUPERJSON;
      path.push(key);
      scan((input as Record<string, unknown>)[key]);
      path.pop();
    }
  };

  try {
    scan(value);
  } catch (error) {
    if (error === NEEDS_SUPERJSON) return superjson.serialize(value);
    throw error;
  }
  const json = value as SuperJSONResult['json'];
  if (dates === 0) return { json };
  return { json, meta: { values: rootIsDate ? DATE : values, v: 1 } };
}

/** The outputs' transformer: the fast walk out; superjson in (only tRPC clients read outputs). */
export const outputTransformer = {
  serialize: serializeOutput,
  deserialize: (value: unknown): unknown =>
    superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]),
};

import superjson from 'superjson';

const DATE: ['Date'] = ['Date'];

/** Raised inside the fast walk when a value needs superjson's full treatment. */
const NEEDS_SUPERJSON = Symbol('needs superjson');

type SuperJSONResult = ReturnType<typeof superjson.serialize>;

/**
 * superjson's wire format for what our procedures return (plain objects, arrays, strings,
 * finite numbers, booleans, null and Dates), written in one tight walk: superjson's generic
 * walker was ~7% of a tasks.list request in the profile. The answer is exactly superjson's
 * (dates as ISO strings, their dotted paths in `meta.values` in walk order, `v: 1`; no `meta`
 * without a date). Anything else — undefined, -0, NaN, Infinity, bigint, Map, Set, class
 * instances, an object reached twice (referential equality), keys that need path escaping —
 * goes to superjson itself, so the output never differs from it (test/output-transformer.test.ts).
 */
export function serializeOutput(value: unknown): SuperJSONResult {
  const values: Record<string, ['Date']> = {};
  const path: Array<string | number> = [];
  const seen = new Set<object>();
  let dates = 0;
  let rootIsDate = false;

  const copy = (input: unknown): unknown => {
    if (input === null) return null;
    switch (typeof input) {
      case 'string':
      case 'boolean':
        return input;
      case 'number':
        if (!Number.isFinite(input) || Object.is(input, -0)) throw NEEDS_SUPERJSON;
        return input;
      case 'object':
        break;
      default:
        throw NEEDS_SUPERJSON;
    }
    if (seen.has(input)) throw NEEDS_SUPERJSON;
    seen.add(input);
    if (input instanceof Date) {
      const time = input.getTime();
      if (Number.isNaN(time)) throw NEEDS_SUPERJSON;
      if (path.length === 0) rootIsDate = true;
      else values[path.join('.')] = DATE;
      dates += 1;
      return input.toISOString();
    }
    if (Array.isArray(input)) {
      const out: unknown[] = new Array<unknown>(input.length);
      for (let index = 0; index < input.length; index += 1) {
        path.push(index);
        out[index] = copy(input[index]);
        path.pop();
      }
      return out;
    }
    const prototype: unknown = Object.getPrototypeOf(input);
    if (prototype !== Object.prototype && prototype !== null) throw NEEDS_SUPERJSON;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(input)) {
      if (key.includes('.') || key.includes('\\')) throw NEEDS_SUPERJSON;
      path.push(key);
      out[key] = copy((input as Record<string, unknown>)[key]);
      path.pop();
    }
    return out;
  };

  let json: unknown;
  try {
    json = copy(value);
  } catch (error) {
    if (error === NEEDS_SUPERJSON) return superjson.serialize(value);
    throw error;
  }
  if (dates === 0) return { json } as SuperJSONResult;
  return { json, meta: { values: rootIsDate ? DATE : values, v: 1 } } as SuperJSONResult;
}

/** The outputs' transformer: the fast walk out; superjson in (only tRPC clients read outputs). */
export const outputTransformer = {
  serialize: serializeOutput,
  deserialize: (value: unknown): unknown =>
    superjson.deserialize(value as Parameters<typeof superjson.deserialize>[0]),
};

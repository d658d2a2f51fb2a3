import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';

/**
 * patches/@trpc__server@11.25.2.patch replaces the object-spread helper of tRPC's compiled code
 * (`_objectSpread2`, which every middleware level runs several times on the call's options and
 * context) with a plain copy; see patches/README.md. These tests hold it to what a spread does,
 * through tRPC's public API, and fail if the installed tRPC is not the patched one.
 */

const SPREAD_HELPER = 'function _objectSpread2(e) {';

function helperSources(): Array<{ file: string; text: string }> {
  const dist = path.dirname(fileURLToPath(import.meta.resolve('@trpc/server')));
  return readdirSync(dist)
    .filter((file) => /\.(mjs|cjs)$/.test(file))
    .map((file) => ({ file, text: readFileSync(path.join(dist, file), 'utf8') }))
    .filter(({ text }) => text.includes(SPREAD_HELPER));
}

describe('the patched tRPC object spread', () => {
  it('is the helper tRPC runs, in its ESM and CommonJS builds', () => {
    const sources = helperSources();
    // One definition per build; an upgrade that moves or renames it fails here, not silently.
    expect(sources.map(({ file }) => path.extname(file)).sort()).toEqual(['.cjs', '.mjs']);
    for (const { file, text } of sources) {
      expect(text, file).toContain('Trellis patch (patches/README.md)');
      expect(text, file).not.toContain('Object.getOwnPropertyDescriptors(t)');
    }
  });

  const t = initTRPC.context<Record<string, unknown>>().create();
  const marker = Symbol('marker');
  const hidden = Symbol('hidden');

  /** The context a procedure sees after a middleware adds `added` to `base`. */
  async function contextAfter(base: object, added: object): Promise<Record<PropertyKey, unknown>> {
    let seen: Record<PropertyKey, unknown> | undefined;
    const router = t.router({
      probe: t.procedure
        .use(({ next }) => next({ ctx: added }))
        .query(({ ctx }) => {
          seen = ctx;
          return null;
        }),
    });
    await t
      .createCallerFactory(router)(base as Record<string, unknown>)
      .probe();
    return seen!;
  }

  it('copies own enumerable keys in order, later ones winning, and enumerable symbols', async () => {
    const added = Object.defineProperties(
      { b: 'added', c: 3, [marker]: 'symbol' },
      {
        notEnumerable: { value: 'hidden', enumerable: false },
        [hidden]: { value: 'hidden', enumerable: false },
      },
    );
    const ctx = await contextAfter({ a: 1, b: 'base' }, added);
    expect(Object.keys(ctx)).toEqual(['a', 'b', 'c']);
    expect(ctx).toEqual({ a: 1, b: 'added', c: 3, [marker]: 'symbol' });
    expect(Object.getOwnPropertySymbols(ctx)).toEqual([marker]);
  });

  it('copies inherited keys never', async () => {
    const added = Object.assign(Object.create({ inherited: true }) as object, { own: true });
    const ctx = await contextAfter({}, added);
    expect(Object.keys(ctx)).toEqual(['own']);
    expect('inherited' in ctx).toBe(false);
  });

  it('keeps a `__proto__` key an own property, as a spread does: no prototype is replaced', async () => {
    // JSON.parse makes `__proto__` an own data property (a client's JSON can carry it).
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "kept": 1}') as object;
    const ctx = await contextAfter({}, hostile);
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(ctx.polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(ctx, '__proto__')?.value).toEqual({ polluted: true });
    expect(ctx.kept).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

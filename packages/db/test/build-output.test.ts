import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, type Options } from 'tsup';
import { describe, expect, it } from 'vitest';
import config from '../tsup.config';

describe('the built package', () => {
  it('dist/testing imports vitest instead of bundling it (its hooks must register with the real runner)', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'trellis-db-build-'));
    try {
      await build({
        ...(config as Options),
        entry: ['src/testing/index.ts'],
        outDir,
        sourcemap: false,
        dts: false,
        silent: true,
      });
      const output = readFileSync(path.join(outDir, 'index.js'), 'utf8');
      expect(output).toMatch(/from ["']vitest["']/);
      // Vitest's runner bundled in weighed ~580 KB; the helpers alone are a few KB.
      expect(output.length).toBeLessThan(100_000);
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);
});

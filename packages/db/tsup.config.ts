import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/embedded/index.ts', 'src/testing/index.ts'],
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  clean: true,
  // The test helpers run inside the caller's Vitest: bundling it would register hooks with a copy.
  external: ['vitest', 'vitest/node'],
});

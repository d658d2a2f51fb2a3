import { defineConfig } from 'tsup';

/**
 * One runnable file, dist/trellis.js (the package's `bin`). @trellis/client is bundled in from
 * its sources (the `development` condition), so building this package alone gives a working
 * binary; commander, tRPC and superjson stay dependencies.
 */
export default defineConfig({
  entry: { trellis: 'src/main.ts' },
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  banner: { js: '#!/usr/bin/env node' },
  noExternal: ['@trellis/client'],
  esbuildOptions(options) {
    options.conditions = ['development'];
  },
});

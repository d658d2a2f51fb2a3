import { defineConfig } from 'tsup';

/**
 * ESM for Node 20+ and bundlers. `platform: 'neutral'`: nothing Node-only may enter the
 * runtime path (browsers use this package too). `dts` bundles the declarations into one
 * dist/index.d.ts whose only imports are @trpc/client and @trpc/server (peers). The
 * dependencies (eventsource, superjson) stay imports: the app's package manager installs them.
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  sourcemap: true,
  clean: true,
  dts: true,
  external: ['@trpc/client', '@trpc/server', 'eventsource', 'superjson'],
});

import { defineConfig, mergeConfig } from 'vitest/config';

/**
 * Shared vitest preset. Database tests are I/O bound and each test file gets its own
 * database, so files run in parallel in forked workers; tests inside a file run in order.
 * @param {import('vitest/config').ViteUserConfig} [overrides]
 */
export function defineTrellisConfig(overrides = {}) {
  return mergeConfig(
    defineConfig({
      test: {
        pool: 'forks',
        include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        testTimeout: 30_000,
        hookTimeout: 120_000,
        teardownTimeout: 30_000,
        env: { NODE_ENV: 'test' },
        allowOnly: false,
      },
    }),
    overrides,
  );
}

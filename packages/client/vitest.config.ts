import { defineTrellisConfig } from '@trellis/vitest-config';

/**
 * Runtime tests run against a real API server on a real database (test/api-server.ts);
 * `vitest run --typecheck` also compiles the type tests (test/*.test-d.ts) with tsc.
 */
export default defineTrellisConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});

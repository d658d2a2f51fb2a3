import { defineTrellisConfig } from '@trellis/vitest-config';

const { test: shared, ...vite } = defineTrellisConfig({
  test: { globalSetup: ['./test/global-setup.ts'] },
});

/**
 * Two groups: the API's tests (files in parallel), then the fault tests of test/faults, one
 * file at a time: each drives real API processes and PostgreSQL hard, and their timing
 * assertions (recovery within 2 s, 503s before the request timeout) must not compete for CPU.
 * Each group has its own global setup (its own migrated template database).
 */
export default {
  ...vite,
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'api',
          exclude: ['**/node_modules/**', 'test/faults/**', 'test/commands/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The README's commands as real processes (npx pnpm …): slow, one file at a time.
        test: {
          ...shared,
          name: 'commands',
          include: ['test/commands/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          ...shared,
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
};

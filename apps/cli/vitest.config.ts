import { defineTrellisConfig } from '@trellis/vitest-config';

/** The tests run the built binary (built once in the global setup) against a real API server. */
export default defineTrellisConfig({
  test: { globalSetup: ['./test/global-setup.ts'] },
});

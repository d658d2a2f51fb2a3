import { defineTrellisConfig } from '@trellis/vitest-config';

export default defineTrellisConfig({
  test: { globalSetup: ['./test/global-setup.ts'] },
});

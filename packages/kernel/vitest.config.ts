import { defineTrellisConfig } from '@trellis/vitest-config';

export default defineTrellisConfig({ test: { passWithNoTests: false } });

import type { ViteUserConfig } from 'vitest/config';
export declare function defineTrellisConfig(overrides?: ViteUserConfig): ViteUserConfig;

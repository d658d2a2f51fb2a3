import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts', 'src/demo.ts', 'src/index.ts', 'src/cli/db.ts', 'src/cli/seed.ts'],
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  clean: true,
});

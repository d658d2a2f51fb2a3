import { existsSync } from 'node:fs';
import path from 'node:path';

/** The folder holding pnpm-workspace.yaml, so every package finds the same `.data/`. */
export function findWorkspaceRoot(start = process.cwd()): string {
  let current = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(current, 'pnpm-workspace.yaml'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return path.resolve(start);
    current = parent;
  }
}

/** `.data/` at the workspace root (git-ignored), or TRELLIS_DATA_DIR. */
export function dataDirectory(): string {
  return process.env.TRELLIS_DATA_DIR ?? path.join(findWorkspaceRoot(), '.data');
}

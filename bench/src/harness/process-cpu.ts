import { readFileSync } from 'node:fs';

/** Linux reports process CPU time in clock ticks; every Linux we run on uses 100 per second. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) a process has used so far, in milliseconds, from /proc; undefined
 * where /proc is not there. CPU per request does not depend on what else the machine runs,
 * so it explains a throughput figure taken on a busy machine.
 */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]);
    const system = Number(fields[12]);
    return ((user + system) / TICKS_PER_SECOND) * 1000;
  } catch {
    return undefined;
  }
}

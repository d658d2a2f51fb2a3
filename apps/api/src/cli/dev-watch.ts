import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

/**
 * `pnpm dev`: runs `tsx watch` in a process group of its own and hands it each signal once.
 * One Ctrl-C reaches a watcher twice otherwise (from the terminal, and again from pnpm
 * forwarding it), and tsx takes the second as "force kill" after the API has already shut down
 * cleanly. Exits with the watcher's code.
 */
const tsx = createRequire(import.meta.url).resolve('tsx/cli');
const watcher = spawn(process.execPath, [tsx, 'watch', '--conditions=development', 'src/main.ts'], {
  stdio: 'inherit',
  detached: true,
});
let forwardedAt = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (Date.now() - forwardedAt < 1_000) return; // the same Ctrl-C, echoed by a runner
    forwardedAt = Date.now();
    watcher.kill(signal);
  });
}
watcher.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

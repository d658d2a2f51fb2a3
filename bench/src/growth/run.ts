/**
 * The growth run (issue 10, Part 2, "Growth"): does Trellis stay as fast at 1,000,000 tasks as
 * at 20,000? It loads (or reuses) one database of each size on BENCH_DATABASE_URL's server
 * (default postgres://postgres@127.0.0.1:5432/postgres), starts Trellis on each, and measures
 * every row one request at a time over HTTP, like a client: the two sizes alternate request by
 * request, so a busy moment of the machine hits both alike. It writes bench/results/growth.md
 * (p50, p99 and max per row and size, and the ratio large/small) and exits 1 when a row's p50
 * or p99 at the large size is more than twice its time at the small size (2 on a failure).
 *
 *   npx tsx bench/src/growth/run.ts [--small 20000] [--large 1000000] [--samples 100]
 *                                   [--warmup 10] [--out bench/results/growth.md]
 *
 * The workspace packages resolve to their source only under the `development` condition
 * (their `default` export is a build that may be stale or absent): without it, this entry
 * starts itself again with it, and imports nothing of the product before.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const underDevelopment = process.execArgv.some((arg) => arg.includes('development'));

if (underDevelopment) {
  await import('./measure-growth');
} else {
  const child = spawn(
    process.execPath,
    [
      '--conditions=development',
      '--import',
      import.meta.resolve('tsx'),
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    { stdio: 'inherit' },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 2 : 0)));
}

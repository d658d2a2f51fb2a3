import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const API_DIR = fileURLToPath(new URL('../../../apps/api/', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

export interface RunningTrellis {
  readonly origin: string;
  readonly metricsOrigin: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface TrellisLaunch {
  databaseUrl: string;
  port: number;
  metricsPort: number;
  /** 'dist': as `pnpm start` runs it (built JavaScript); 'source': the TypeScript via tsx (tests). */
  build: 'dist' | 'source';
  /** Where its log lines go (production writes one JSON line per request to stdout). */
  logFile: string;
  nodeFlags?: string[];
  /** The node binary (default: the one running the harness). */
  node?: string;
  /** Another checkout's apps/api (built), to measure a before/after in one run. */
  apiDir?: string;
  /** Settings of its own (a guarantee or feature turned off, to measure its price). */
  env?: Record<string, string>;
}

/**
 * The node arguments of `pnpm start` (apps/api's `start` script), so the bench runs the API
 * exactly as production does and follows any change to how it is started.
 */
function startArguments(apiDir: string): string[] {
  const manifest = JSON.parse(readFileSync(path.join(apiDir, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  // `exec node …` (the shell hands its process to node) or plain `node …`.
  const [command, ...args] = manifest.scripts.start
    .trim()
    .replace(/^exec\s+/, '')
    .split(/\s+/);
  if (command !== 'node')
    throw new Error(`apps/api's start script no longer runs node: ${command}`);
  return args;
}

/** Resolves once something accepts TCP connections on the port (or rejects after `timeoutMs`). */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  child?: ChildProcess,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until)
      throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function launchTrellis(options: TrellisLaunch): Promise<RunningTrellis> {
  const apiDir = options.apiDir ?? API_DIR;
  const args =
    options.build === 'dist'
      ? startArguments(apiDir)
      : ['--import', TSX_LOADER, '--conditions=development', 'src/main.ts'];
  const log = openSync(options.logFile, 'a');
  const child = spawn(options.node ?? process.execPath, [...(options.nodeFlags ?? []), ...args], {
    cwd: apiDir,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      METRICS_PORT: String(options.metricsPort),
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const exited = once(child, 'exit');
  try {
    await waitForPort(options.port, 60_000, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`Trellis did not start (see ${options.logFile}): ${(error as Error).message}`);
  }
  return {
    origin: `http://127.0.0.1:${options.port}`,
    metricsOrigin: `http://127.0.0.1:${options.metricsPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@trellis/db/embedded';
import { FAULTS_METRICS_TOKEN } from './load';

const here = path.dirname(fileURLToPath(import.meta.url));
const mainScript = path.resolve(here, '../../src/main.ts');
/** tsx's loader, so a plain `node` child runs the TypeScript sources (no build step). */
const tsxLoader = createRequire(import.meta.url).resolve('tsx');

/** Settings of the parent's environment that must not leak into a child's configuration. */
const INHERITED_SETTING =
  /^(DATABASE_|SHED_|SIGN_IN_|SIGN_UP_|PASSWORD_HASH_|PURGE_|REQUEST_TIMEOUT|SHUTDOWN_|METRICS_|BODY_LIMIT|MAX_BATCH|RETRY_AFTER|TRUST_PROXY|EMBEDDED_POSTGRES|MIGRATE_ON_START|LOG_LEVEL|PORT$|HOST$)/;

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export interface ApiProcess {
  readonly name: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** DATABASE_APPLICATION_NAME of its pool: how its connections are found in pg_stat_activity. */
  readonly applicationName: string;
  readonly pid: number;
  /** Resolves when the process has exited (never rejects). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Null while it runs. */
  exitCode(): number | null;
  isRunning(): boolean;
  /** Log lines at warn level or above (pino: 40+), parsed; bounded. */
  readonly problems: LogLine[];
  /** The last lines of output, for failure messages. */
  tail(lines?: number): string;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  databaseUrl: string;
  /** Further settings (REQUEST_TIMEOUT_MS, DATABASE_POOL_MAX, ...). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Should the test worker die without its afterAll, its children must not outlive it.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** GET a path over a fresh connection (no keep-alive pool): status, or the socket error's code. */
export function probe(
  origin: string,
  pathname: string,
  timeoutMs = 2_000,
): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const request = http.get(
      `${origin}${pathname}`,
      { agent: false, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: error.code ?? 'ERROR' }),
        );
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    request.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
  });
}

/**
 * Starts `node --conditions=development --import tsx src/main.ts` on a free loopback port and
 * waits until /healthz answers. It never migrates (the database given is migrated already).
 */
export async function startApiProcess(options: StartOptions): Promise<ApiProcess> {
  installExitHook();
  const port = await findFreePort();
  const applicationName = `trellis-${options.name}`;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !INHERITED_SETTING.test(key)) env[key] = value;
  }
  Object.assign(
    env,
    {
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      DATABASE_APPLICATION_NAME: applicationName,
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: FAULTS_METRICS_TOKEN,
      // The fault tests sign many users up from loopback.
      SIGN_UP_PER_ADDRESS: '100000',
    },
    options.env,
  );

  const child = spawn(
    process.execPath,
    ['--conditions=development', '--import', tsxLoader, mainScript],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  const origin = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const problems: LogLine[] = [];
  const remember = (line: string) => {
    output.push(line);
    if (output.length > 400) output.shift();
  };
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      remember(line);
      try {
        const parsed = JSON.parse(line) as LogLine;
        if (parsed.level >= 40 && problems.length < 1_000) problems.push(parsed);
      } catch {
        // not a log line
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => remember(`[stderr] ${chunk.trimEnd()}`));

  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      running.delete(child);
      resolve(exit);
    });
  });
  const tail = (lines = 40) => output.slice(-lines).join('\n');

  const api: ApiProcess = {
    name: options.name,
    port,
    origin,
    applicationName,
    pid: child.pid!,
    exited,
    exitCode: () => exit?.code ?? null,
    isRunning: () => exit === undefined,
    problems,
    tail,
    signal: (signal) => {
      if (exit === undefined) child.kill(signal);
    },
    async stop(timeoutMs = 10_000) {
      if (exit !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (exit !== undefined) {
      throw new Error(
        `API process ${options.name} exited (${exit.code ?? exit.signal}) while starting:\n${tail()}`,
      );
    }
    const answer = await probe(origin, '/healthz', 1_000);
    if ('status' in answer && answer.status === 200) return api;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`API process ${options.name} was not ready within the deadline:\n${tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Kills (SIGKILL) every API process still running: `afterAll(killApiProcesses)` in each file. */
export async function killApiProcesses(): Promise<void> {
  const children = [...running];
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) resolve();
          else child.once('exit', () => resolve());
        }),
    ),
  );
}

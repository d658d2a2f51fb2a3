import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { references, type ReferenceName } from './references';

/** tsx's loader, resolved from this package: the scripts run as `node --import <tsx> script`. */
const TSX_LOADER = import.meta.resolve('tsx');

export interface RunningReference {
  readonly name: ReferenceName;
  /** `http://HOST:PORT`, as the server announced it. */
  readonly origin: string;
  readonly process: ChildProcess;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). Resolves to the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface LaunchOptions {
  databaseUrl: string;
  /** 0 (the default) lets the system choose. */
  port?: number;
  host?: string;
  /** How long to wait for the `listening` line (default 30 s). */
  readyTimeoutMs?: number;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** The node binary (default: the one running this process), e.g. Node 24's for the bench. */
  node?: string;
  /** Extra environment, e.g. BASELINE_TRANSACTION=1. */
  env?: Record<string, string>;
}

const READY = /^listening (http:\/\/\S+)$/;

/**
 * Starts a reference server as its own process and resolves once it printed its
 * `listening http://HOST:PORT` line; rejects (and kills it) if it exits or stays silent.
 */
export async function launchReference(
  name: ReferenceName,
  options: LaunchOptions,
): Promise<RunningReference> {
  const child = spawn(
    options.node ?? process.execPath,
    [...(options.nodeFlags ?? []), '--import', TSX_LOADER, references[name].script],
    {
      env: {
        ...process.env,
        ...options.env,
        DATABASE_URL: options.databaseUrl,
        PORT: String(options.port ?? 0),
        HOST: options.host ?? '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${name} did not announce itself within ${options.readyTimeoutMs ?? 30_000} ms: ${stderr}`,
        ),
      );
    }, options.readyTimeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = READY.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (code ${String(code)}) before listening: ${stderr}`));
    });
  });
  return {
    name,
    origin,
    process: child,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      const [code] = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}

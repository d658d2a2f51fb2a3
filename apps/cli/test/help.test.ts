import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildProgram, VERSION } from '../src/program';
import { runCli, newHome } from './run-cli';

const execFileAsync = promisify(execFile);

function* everyCommand(command: Command, path: string[] = []): Generator<[string, Command]> {
  for (const child of command.commands) {
    const name = [...path, child.name()];
    yield [name.join(' '), child];
    yield* everyCommand(child, name);
  }
}

function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

describe('--help', () => {
  it('every command describes itself and shows at least one example', () => {
    const program = buildProgram();
    const names: string[] = [];
    for (const [name, command] of everyCommand(program)) {
      if (name === 'help') continue;
      names.push(name);
      const help = helpOf(command);
      expect(help, name).toMatch(/Examples:\n {2}\$ trellis /);
      expect(command.description(), name).not.toBe('');
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'login',
        'logout',
        'whoami',
        'workspaces list',
        'workspaces create',
        'workspaces show',
        'workspaces use',
        'projects list',
        'projects create',
        'labels list',
        'labels create',
        'tasks list',
        'tasks show',
        'tasks create',
        'tasks update',
        'tasks move',
        'tasks delete',
        'comments add',
        'comments list',
        'activity',
        'workspaces invite',
        'workspaces invitations',
        'workspaces set-role',
        'workspaces leave',
        'invitations list',
        'invitations accept',
        'invitations decline',
      ]),
    );
  });

  it('the built binary prints help with exit code 0 and the exit codes table', async () => {
    const result = await runCli(newHome(), ['tasks', 'move', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: trellis tasks move \[options\] <key> <status>/);
    expect(result.stdout).toContain('$ trellis tasks move ENG-12 done');
    const top = await runCli(newHome(), ['--help']);
    expect(top.stdout).toMatch(/Exit codes:/);
  });

  it('npx trellis works from the repository root (the root package depends on @trellis/cli)', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
    const { stdout } = await execFileAsync('npx', ['--no-install', 'trellis', '--version'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: newHome() },
    });
    expect(stdout).toBe(`${VERSION}\n`);
  });
});

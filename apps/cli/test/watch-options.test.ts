import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { CliError } from '../src/cli-error';
import { globalsOf } from '../src/command-kit';
import { EXIT } from '../src/exit-codes';
import { parseWatchOptions } from '../src/commands/watch-command';
import { buildProgram } from '../src/program';

/** Parses a command line as `trellis` does, with watch's action replaced by a recorder. */
async function parse(...args: string[]) {
  const program = buildProgram();
  program.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  for (const command of program.commands) {
    command.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  }
  const watch = program.commands.find((command) => command.name() === 'watch')!;
  let seen: { after?: string; globals: ReturnType<typeof globalsOf> } | undefined;
  watch.action((options: { after?: string }, command: Command) => {
    seen = { ...options, globals: globalsOf(command) };
  });
  await program.parseAsync(['node', 'trellis', ...args]);
  return seen!;
}

async function parseError(...args: string[]): Promise<string> {
  try {
    await parse(...args);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the command line to be refused');
}

describe('trellis watch: options', () => {
  it('takes --workspace and --json (global options) before or after the command', async () => {
    expect(await parse('watch')).toMatchObject({ globals: {} });
    const after = await parse('watch', '--workspace', 'acme', '--json');
    expect(after.globals).toMatchObject({ workspace: 'acme', json: true });
    const before = await parse('-w', 'acme', 'watch');
    expect(before.globals).toMatchObject({ workspace: 'acme' });
    expect((await parse('watch', '--after', '41')).after).toBe('41');
  });

  it('refuses what it does not know, an argument, and --workspace without a slug', async () => {
    expect(await parseError('watch', '--since', '5')).toMatch(/unknown option '--since'/);
    expect(await parseError('watch', 'acme')).toMatch(/too many arguments/);
    expect(await parseError('watch', '--workspace')).toMatch(/argument missing/);
  });

  it('settings: --json to JSON lines, --after checked as an event id', () => {
    expect(parseWatchOptions({}, {})).toEqual({ json: false, after: undefined });
    expect(parseWatchOptions({ after: '0' }, { json: true })).toEqual({ json: true, after: '0' });
    expect(parseWatchOptions({ after: ' 1042 ' }, {})).toEqual({ json: false, after: '1042' });
    for (const bad of ['abc', '-1', '1.5', '01', '', '1234567890123456']) {
      let error: unknown;
      try {
        parseWatchOptions({ after: bad }, {});
      } catch (caught) {
        error = caught;
      }
      expect(error, bad).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(EXIT.usage);
      expect((error as CliError).message).toMatch(/^--after must be an event id/);
    }
  });
});

import type { Command } from 'commander';
import { Session, type GlobalOptions } from './session';

/** Adds "Examples:" to a command's --help. */
export function examples(command: Command, ...lines: string[]): Command {
  return command.addHelpText(
    'after',
    `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`,
  );
}

/** The options of the command with the program's global ones (--json, --workspace, --url). */
export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * A command's action: opens the session (config, client) and runs `body` with it. The last
 * argument commander passes to an action is the command itself.
 */
export function withSession<Args extends unknown[]>(
  body: (session: Session, ...args: Args) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const session = await Session.open(globalsOf(command));
    currentSession = session;
    await body(session, ...(args.slice(0, -1) as Args));
  };
}

/** The session of the running command, so failures can name the server's URL. */
export let currentSession: Session | undefined;

/** Collects a repeatable option into a list (`--label bug --label ui`). */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

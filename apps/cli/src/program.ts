import { Command, Option } from 'commander';
import { registerActivityCommand } from './commands/activity-command';
import { registerAuthCommands } from './commands/auth-commands';
import { registerCommentCommands } from './commands/comment-commands';
import { registerLabelCommands } from './commands/label-commands';
import { registerMemberCommands } from './commands/member-commands';
import { registerProjectCommands } from './commands/project-commands';
import { registerTaskCommands } from './commands/task-commands';
import { registerWatchCommand } from './commands/watch-command';
import { registerWorkspaceCommands } from './commands/workspace-commands';
import { EXIT_CODES_HELP } from './exit-codes';

export const VERSION = '0.1.0';

/** The whole command tree. Errors are thrown (exitOverride), main.ts turns them into exit codes. */
export function buildProgram(): Command {
  const program = new Command('trellis')
    .description('Trellis from the terminal: workspaces, projects, tasks, comments, activity.')
    .version(VERSION)
    .option('--json', 'print the API data as JSON (for scripts)')
    .option(
      '-w, --workspace <slug>',
      'workspace to act in (default: trellis workspaces use, else your first)',
    )
    .addOption(
      new Option('--url <url>', 'API URL (default: the one you logged in to)').env('TRELLIS_URL'),
    )
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // commander's own errors become one line on stderr and the usage exit code (main.ts).
      outputError: (text, write) =>
        write(text.split('\n')[0]!.replace(/^error: /, 'Error: ') + '\n'),
    })
    .addHelpText(
      'after',
      `\nExamples:\n  $ trellis login\n  $ trellis tasks list ENG --status todo --assignee me\n  $ trellis tasks move ENG-12 done\n  $ trellis watch\n\nEnvironment: TRELLIS_URL, TRELLIS_TOKEN (instead of the stored login), XDG_CONFIG_HOME, NO_COLOR\n\n${EXIT_CODES_HELP}\n`,
    );
  registerAuthCommands(program);
  const workspaces = registerWorkspaceCommands(program);
  registerMemberCommands(workspaces, program);
  registerProjectCommands(program);
  registerLabelCommands(program);
  registerTaskCommands(program);
  registerCommentCommands(program);
  registerActivityCommand(program);
  registerWatchCommand(program);
  // Subcommands inherit the error handling of the program.
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

function* allCommands(command: Command): Generator<Command> {
  for (const child of command.commands) {
    yield child;
    yield* allCommands(child);
  }
}

import { CommanderError } from 'commander';
import { currentSession } from './command-kit';
import { toCliError } from './cli-error';
import { EXIT } from './exit-codes';
import { buildProgram } from './program';
import { DEFAULT_URL } from './session';

/** Runs the command line; every failure ends as one line on stderr and a distinct exit code. */
async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; commander already printed its message.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const failure = toCliError(error, currentSession?.url ?? DEFAULT_URL);
    process.stderr.write(`${failure.message}\n`);
    for (const detail of failure.details) process.stderr.write(`  ${detail}\n`);
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv);

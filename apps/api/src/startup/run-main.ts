import { describeStartupFailure } from './startup-failure';

/**
 * Runs a command's entry point: a failure prints one line (what is wrong, what to do) and
 * exits 1. The stack trace is printed only with LOG_LEVEL=debug or trace, for bugs.
 */
export async function runMain<T>(main: () => Promise<T>): Promise<T> {
  try {
    return await main();
  } catch (error) {
    console.error(describeStartupFailure(error));
    if (['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '')) console.error(error);
    process.exit(1);
  }
}

import { runMain } from '../startup/run-main';
import { readSettings } from '../startup/settings';

/**
 * `pnpm dev` runs this before `tsx watch`: a watcher keeps waiting for file changes after its
 * process exits, so a bad setting would otherwise leave `pnpm dev` running with nothing served.
 */
await runMain(async () => readSettings());

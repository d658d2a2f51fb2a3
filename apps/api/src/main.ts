import { startApi } from './start-api';
import { runMain } from './startup/run-main';

await runMain(() => startApi());

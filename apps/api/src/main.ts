import { startApi } from './start-api';

startApi().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

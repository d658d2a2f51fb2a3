import { printDemoInstructions } from './seed/demo-instructions';
import { seedDemo } from './seed/seed-demo';
import { startApi } from './start-api';
import { runMain } from './startup/run-main';

/** The Quick start: start the API and, on an empty database, load the demo workspace first. */
const tasks = Number(process.env.DEMO_TASKS ?? 3000);
const api = await runMain(() =>
  startApi({
    async beforeListen({ app, db }) {
      const result = await seedDemo(db, {
        tasks,
        onProgress: (written, total) => {
          if (written % 500 === 0 || written === total)
            app.log.info(`seeding demo tasks: ${written}/${total}`);
        },
      });
      if (!result.seeded) app.log.info(`demo data: ${result.reason}`);
    },
  }),
);
printDemoInstructions(api.address);

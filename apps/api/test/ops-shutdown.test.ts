import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { installGracefulShutdown } from '../src/http/graceful-shutdown';
import { createWorld } from './fixtures';
import { createClient, startServer, useApi } from './harness';

const api = useApi();

/** Runs `install` and takes back the process signal handlers it added (tests send no signals). */
function withoutSignalHandlers<T>(install: () => T): T {
  const before = new Map(
    (['SIGTERM', 'SIGINT'] as const).map((signal) => [signal, new Set(process.listeners(signal))]),
  );
  const result = install();
  for (const [signal, existing] of before) {
    for (const listener of process.listeners(signal)) {
      if (!existing.has(listener)) process.removeListener(signal, listener);
    }
  }
  return result;
}

describe('graceful shutdown', () => {
  it('lets the request in flight finish, flips readiness, drains the pool and exits 0; a second signal exits at once with 1', async () => {
    const world = await createWorld(api, 'BYE');
    const db = api.database.open();
    const extra = await startServer(db, api.config);
    const exits: number[] = [];
    const shutdown = withoutSignalHandlers(() =>
      installGracefulShutdown({
        app: extra.server.app,
        metricsApp: extra.server.metricsApp,
        db,
        readiness: extra.server.readiness,
        graceMs: 10_000,
        exit: (code) => void exits.push(code),
      }),
    );
    const client = createClient(`${extra.origin}/trpc`, world.owner.token);
    expect((await fetch(`${extra.origin}/readyz`)).status).toBe(200);
    // An idle keep-alive connection from an earlier request, as a load balancer keeps them.
    await client.auth.me.query();

    // Hold the create in flight: its activity insert waits behind this lock.
    const admin = api.database.openAsOwner();
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = admin.transaction(async (session) => {
      await session.raw('lock table activity in share mode');
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const inFlight = client.tasks.create.mutate({ projectId: world.project.id, title: 'last one' });
    try {
      while (db.runningTransactions === 0) await sleep(10);

      const first = shutdown('SIGTERM');
      expect(extra.server.readiness.shuttingDown).toBe(true);
      await sleep(100);
      expect(exits).toEqual([]); // still draining: the request has not finished
      expect(db.runningTransactions).toBe(1);

      // A second signal does not wait for anything.
      await shutdown('SIGINT');
      expect(exits).toEqual([1]);

      release();
      const task = await inFlight;
      expect(task).toMatchObject({ number: 1, title: 'last one' });
      // Done once the last response is out: keep-alive connections do not hold the shutdown
      // until the grace period (10 s) cuts them.
      const lastResponseAt = performance.now();
      await first;
      expect(performance.now() - lastResponseAt).toBeLessThan(5_000);
      expect(exits).toEqual([1, 0]);
      expect(db.isClosing).toBe(true);
      expect(db.poolStats().size).toBe(0);
    } finally {
      release();
      await holder;
      await admin.close();
      await extra.close();
      await db.close();
    }
    // The request's work was committed before the pool closed.
    const page = await world.owner.client.tasks.list.query({ projectId: world.project.id });
    expect(page.items.map((item) => item.title)).toEqual(['last one']);
  });

  it('a server with nothing in flight shuts down at once and refuses new connections afterwards', async () => {
    const db = api.database.open();
    const extra = await startServer(db, api.config);
    const exits: number[] = [];
    const shutdown = withoutSignalHandlers(() =>
      installGracefulShutdown({
        app: extra.server.app,
        db,
        readiness: extra.server.readiness,
        graceMs: 10_000,
        exit: (code) => void exits.push(code),
      }),
    );
    expect((await fetch(`${extra.origin}/healthz`)).status).toBe(200);
    const started = performance.now();
    await shutdown('SIGTERM');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(exits).toEqual([0]);
    await expect(fetch(`${extra.origin}/healthz`)).rejects.toThrow();
  });

  it('one Ctrl-C echoed by the runners (the same signal again at once) is one signal: exit 0, not 1', async () => {
    const db = api.database.open();
    const extra = await startServer(db, api.config);
    const exits: number[] = [];
    const shutdown = withoutSignalHandlers(() =>
      installGracefulShutdown({
        app: extra.server.app,
        db,
        readiness: extra.server.readiness,
        graceMs: 10_000,
        exit: (code) => void exits.push(code),
      }),
    );
    // The terminal, pnpm and turbo each deliver the same SIGINT.
    await Promise.all([shutdown('SIGINT'), shutdown('SIGINT'), shutdown('SIGINT')]);
    expect(exits).toEqual([0]);
  });
});

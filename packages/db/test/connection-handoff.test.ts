import { describe, expect, it } from 'vitest';
import { createDatabase, type Database } from '../src/database';
import { findFreePort } from '../src/embedded/free-port';
import { DatabaseClosedError, DatabaseUnavailableError } from '../src/errors';
import { tarnPool } from '../src/knex-adapter';
import { databaseUrl, useTestDatabase } from '../src/testing';
import { backendPid, sleep } from './fixtures/backend';

const test = useTestDatabase();

/** A transaction that holds its connection until `release()`, and the pid of that connection. */
function holder(db: Database) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: (pid: number) => void;
  const pid = new Promise<number>((resolve) => (holding = resolve));
  const done = db.transaction(async (session) => {
    holding(await backendPid(session));
    await released;
  });
  return { pid, release, done };
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 5_000) throw new Error('condition not reached within 5 s');
    await sleep(5);
  }
}

describe('the connection hand-off', () => {
  it('passes a full pool’s connection straight to the longest waiter, in arrival order', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 30_000 } });
    const first = holder(db);
    const held = await first.pid;
    const order: number[] = [];
    const pids: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      db.transaction(async (session) => {
        order.push(n);
        pids.push(await backendPid(session));
      }),
    );
    await until(() => db.poolStats().pendingAcquires === 3);
    // They wait for the hand-off, not in the pool's own queue (and its timers).
    expect(tarnPool(db.knex)!.numPendingAcquires()).toBe(0);

    first.release();
    await Promise.all([first.done, ...waiters]);
    expect(order).toEqual([1, 2, 3]);
    expect(pids).toEqual([held, held, held]);
    expect(db.poolStats()).toMatchObject({ used: 0, free: 1, pendingAcquires: 0 });
  });

  it('hands on no connection past its lifetime: the pool retires it and the waiter gets a new one', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 30_000, maxLifetimeMs: 1_000 } });
    const first = holder(db);
    const old = await first.pid;
    const waiter = db.transaction((session) => backendPid(session));
    await until(() => db.poolStats().pendingAcquires === 1);
    // Past the lifetime and its jitter (a tenth of it) while the first transaction holds it.
    await sleep(1_200);
    first.release();
    await first.done;
    const pid = await waiter;
    expect(pid).not.toBe(old);
    expect(db.poolStats()).toMatchObject({ used: 0, free: 1, pendingAcquires: 0 });
  });

  it('lets a waiter give up after the acquire timeout, the first first, and serves the later ones', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 300 } });
    const first = holder(db);
    const held = await first.pid;
    const started = performance.now();
    const early = db.transaction((session) => backendPid(session)).catch((e: unknown) => e);
    await sleep(200);
    const late = db.transaction((session) => backendPid(session)).catch((e: unknown) => e);

    const error = await early;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    // The later waiter still waits (its own 300 ms are not over), and gets the connection.
    expect(db.poolStats().pendingAcquires).toBe(1);
    first.release();
    await first.done;
    expect(await late).toBe(held);
    expect(db.poolStats()).toMatchObject({ used: 0, pendingAcquires: 0 });
  });

  it('refuses its waiters with DatabaseClosedError when the database closes', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 30_000 } });
    const first = holder(db);
    await first.pid;
    const waiters = [1, 2].map(() =>
      db.transaction((session) => backendPid(session)).catch((e: unknown) => e),
    );
    const holderOutcome = first.done.catch((e: unknown) => e);
    await until(() => db.poolStats().pendingAcquires === 2);
    await db.close({ deadlineMs: 100 });
    const errors = await Promise.all(waiters);
    expect(errors[0]).toBeInstanceOf(DatabaseClosedError);
    expect(errors[1]).toBeInstanceOf(DatabaseClosedError);
    expect(await holderOutcome).toBeInstanceOf(DatabaseClosedError);
  });

  it('tells every waiter at once when the server cannot be reached', async () => {
    const port = await findFreePort();
    const db = createDatabase({
      url: databaseUrl(`postgres://postgres@127.0.0.1:${port}/postgres`, 'nowhere'),
      pool: { max: 2, acquireTimeoutMs: 10_000 },
      transactionTimeoutMs: 10_000,
    });
    try {
      const started = performance.now();
      const errors = await Promise.all(
        Array.from({ length: 6 }, () =>
          db
            .transaction((session) => backendPid(session), { retry: false })
            .catch((e: unknown) => e),
        ),
      );
      for (const error of errors) expect(error).toBeInstanceOf(DatabaseUnavailableError);
      // Not the acquire timeout (10 s): each failed connect sends the next waiter to the pool.
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(db.poolStats().pendingAcquires).toBe(0);
    } finally {
      await db.close({ deadlineMs: 100 });
    }
  });
});

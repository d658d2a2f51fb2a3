import { describe, expect, it } from 'vitest';
import type { Database } from '../src/database';
import { DatabaseUnavailableError, StatementTimeoutError } from '../src/errors';
import { useTestDatabase, withAdminClient } from '../src/testing';
import { backendPid, sleep } from './fixtures/backend';
import { Author } from './fixtures/library';

const test = useTestDatabase();

async function countAuthors(name: string): Promise<number> {
  return test.db.read(async (session) => {
    const rows = await Author.query(session).where('name', name);
    return rows.length;
  });
}

/** Kills every backend of the test database except the admin's own, from outside the pool. */
async function terminateAllBackends(): Promise<number[]> {
  return withAdminClient(test.url, async (client) => {
    const { rows } = await client.query<{ pid: number }>(
      `select pid from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    await client.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    // pg_terminate_backend only signals: wait until the backends are really gone.
    for (let waited = 0; waited < 5_000; waited += 20) {
      const alive = await client.query(
        'select 1 from pg_stat_activity where pid = any($1::int[])',
        [rows.map((row) => row.pid)],
      );
      if (alive.rowCount === 0) break;
      await sleep(20);
    }
    return rows.map((row) => row.pid);
  });
}

function expectIdle(db: Database): void {
  const stats = db.poolStats();
  expect(stats.used).toBe(0);
  expect(stats.pendingAcquires).toBe(0);
}

describe('the pool', () => {
  it('runs 500 concurrent transactions on 5 connections and leaves nothing borrowed', async () => {
    const db = test.open({ pool: { max: 5, acquireTimeoutMs: 30_000 } });
    const pids = new Set<number>();
    let inside = 0;
    let mostInside = 0;
    const results = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        db.transaction(async (session) => {
          inside += 1;
          mostInside = Math.max(mostInside, inside);
          pids.add(await backendPid(session));
          const { rows } = await session.raw<{ rows: Array<{ n: number }> }>('select ?::int as n', [
            index,
          ]);
          inside -= 1;
          return rows[0]!.n;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 500 }, (_, index) => index));
    expect(mostInside).toBeLessThanOrEqual(5);
    expect(pids.size).toBeLessThanOrEqual(5);
    expect(db.runningTransactions).toBe(0);
    expectIdle(db);
    expect(db.poolStats().max).toBe(5);
  });

  it('an exhausted pool answers DatabaseUnavailableError within the acquire timeout, then recovers', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 300 } });
    let release: () => void = () => undefined;
    let holding: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = db.transaction(async (session) => {
      await Author.query(session).insert({ name: 'pool-holder' });
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await held;

    const started = Date.now();
    const error = await db
      .transaction((session) => session.raw('select 1'))
      .catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).kind).toBe('unavailable');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);

    release();
    await holder;
    expect(await countAuthors('pool-holder')).toBe(1);
    await expect(db.transaction((session) => backendPid(session))).resolves.toBeGreaterThan(0);
    expectIdle(db);
  });

  it('a statement past statement_timeout gives StatementTimeoutError and the pool keeps working', async () => {
    const db = test.open({ statementTimeoutMs: 200, pool: { max: 1 } });
    const started = Date.now();
    const error = await db
      .transaction(async (session) => {
        await Author.query(session).insert({ name: 'statement-timeout' });
        await session.raw('select pg_sleep(2)');
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect((error as StatementTimeoutError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(await countAuthors('statement-timeout')).toBe(0);
    expectIdle(db);
    await expect(db.transaction((session) => session.raw('select 1'))).resolves.toBeDefined();
    expectIdle(db);
  });

  it('a lock wait past lock_timeout gives StatementTimeoutError', async () => {
    await test.db.transaction((session) =>
      session.raw("insert into counters (name, value) values ('locked', 0)"),
    );
    let release: () => void = () => undefined;
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = test.db.transaction(async (session) => {
      await session.raw("select * from counters where name = 'locked' for update");
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    try {
      await expect(
        test.db.transaction(
          (session) => session.raw("update counters set value = 1 where name = 'locked'"),
          { lockTimeoutMs: 100 },
        ),
      ).rejects.toBeInstanceOf(StatementTimeoutError);
    } finally {
      release();
      await holder;
    }
  });

  it('retires connections older than maxLifetimeMs', async () => {
    const db = test.open({ pool: { max: 1, maxLifetimeMs: 1_000 } });
    const first = await db.transaction(backendPid);
    expect(await db.transaction(backendPid)).toBe(first);
    await sleep(1_100);
    const later = await db.transaction(backendPid);
    expect(later).not.toBe(first);
    expectIdle(db);
  });
});

describe('connections killed by the server', () => {
  it('idle pooled connections killed by the server are replaced without crashing the process', async () => {
    const db = test.open({ pool: { max: 3 } });
    // Fill the pool with three idle connections.
    let arrived = 0;
    let allIn: () => void = () => undefined;
    const together = new Promise<void>((resolve) => (allIn = resolve));
    const before = await Promise.all(
      [1, 2, 3].map(() =>
        db.transaction(async (session) => {
          arrived += 1;
          if (arrived === 3) allIn();
          await together;
          return backendPid(session);
        }),
      ),
    );
    expect(db.poolStats().free).toBe(3);

    const killed = await terminateAllBackends();
    expect(killed).toEqual(expect.arrayContaining(before));
    // Give the driver time to see the sockets close while the connections sit in the pool.
    await sleep(100);

    const after = await Promise.all([1, 2, 3].map(() => db.transaction(backendPid)));
    for (const pid of after) expect(before).not.toContain(pid);
    expect(
      await db.transaction((session) => Author.query(session).insert({ name: 'after-kill' })),
    ).toMatchObject({ name: 'after-kill' });
    expectIdle(db);
    // The main layer's connections were killed too, and it recovers the same way.
    expect(await countAuthors('after-kill')).toBe(1);
  });

  async function killMidTransaction(db: Database, name: string, retry: boolean) {
    let attempts = 0;
    let reportPid: (pid: number) => void = () => undefined;
    const pidOfFirstAttempt = new Promise<number>((resolve) => (reportPid = resolve));
    const outcome = db
      .transaction(
        async (session) => {
          attempts += 1;
          await Author.query(session).insert({ name });
          if (attempts === 1) {
            reportPid(await backendPid(session));
            await session.raw('select pg_sleep(10)');
          }
          return attempts;
        },
        retry ? {} : { retry: false },
      )
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
    const pid = await pidOfFirstAttempt;
    await withAdminClient(test.url, (client) =>
      client.query('select pg_terminate_backend($1)', [pid]),
    );
    return { outcome: await outcome, attempts: () => attempts };
  }

  it('a connection killed mid-transaction before COMMIT is retried on a new one, applied once', async () => {
    const db = test.open({ pool: { max: 2 } });
    const retriedBefore = db.counters.retried;
    const { outcome, attempts } = await killMidTransaction(db, 'killed-then-retried', true);
    expect(outcome).toEqual({ value: 2 });
    expect(attempts()).toBe(2);
    expect(db.counters.retried - retriedBefore).toBe(1);
    expect(await countAuthors('killed-then-retried')).toBe(1);
    expectIdle(db);
  });

  it('without retry a connection killed mid-transaction fails typed and applies nothing', async () => {
    const db = test.open({ pool: { max: 2 } });
    const { outcome } = await killMidTransaction(db, 'killed-no-retry', false);
    expect('error' in outcome).toBe(true);
    const error = (outcome as { error: unknown }).error;
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as DatabaseUnavailableError).kind).toBe('unavailable');
    expect(await countAuthors('killed-no-retry')).toBe(0);
    expectIdle(db);
    await expect(db.transaction(backendPid)).resolves.toBeGreaterThan(0);
  });
});

describe('acquire wait', () => {
  it('reports how long the longest-waiting transaction has waited for a connection', async () => {
    const db = test.open({ pool: { max: 1, acquireTimeoutMs: 5_000 } });
    expect(db.oldestAcquireWaitMs()).toBe(0);
    let release: () => void = () => undefined;
    const holding = db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const waiting = db.transaction(async () => 'got it');
    await new Promise((resolve) => setTimeout(resolve, 250));
    // A newer waiter does not hide the older one.
    const queuedBehind = db.transaction(async () => 'me too');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(db.oldestAcquireWaitMs()).toBeGreaterThanOrEqual(200);
    release();
    await holding;
    expect(await waiting).toBe('got it');
    expect(await queuedBehind).toBe('me too');
    expect(db.oldestAcquireWaitMs()).toBe(0);
  });
});

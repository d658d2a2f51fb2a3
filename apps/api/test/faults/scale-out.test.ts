import { useTestDatabase } from '@trellis/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { killApiProcesses, startApiProcess, type ApiProcess } from './api-process';
import {
  call,
  countBy,
  createTask,
  createWorld,
  expectProjectIntact,
  inFlight,
  oneTo,
  type World,
} from './load';

const TASKS = 200;
const REFUSE_AFTER = 6;

const database = useTestDatabase();
afterAll(killApiProcesses);

describe('two API processes share one database', { timeout: 60_000 }, () => {
  let instances: ApiProcess[];
  let world: World;

  it('starts two instances on their own ports', async () => {
    const env = {
      // Every create must be admitted: this test is about numbering, not load shedding.
      SHED_ACQUIRE_WAIT_MS: '20000',
      DATABASE_ACQUIRE_TIMEOUT_MS: '20000',
      REQUEST_TIMEOUT_MS: '30000',
      SIGN_IN_REFUSE_AFTER: String(REFUSE_AFTER),
      // No slow-down delays: the test counts failures, it does not time them.
      SIGN_IN_SLOW_DOWN_AFTER: '1000',
    };
    instances = await Promise.all([
      startApiProcess({ name: 'scale-a', databaseUrl: database.url, env }),
      startApiProcess({ name: 'scale-b', databaseUrl: database.url, env }),
    ]);
    expect(instances[0]!.port).not.toBe(instances[1]!.port);
    world = await createWorld(instances[0]!.origin, 'SCALE');
  });

  it(`${TASKS} concurrent creates split across both get the numbers 1..${TASKS}, each once`, async () => {
    const results = await inFlight(TASKS, TASKS, (index) =>
      createTask(instances[index % 2]!.origin, world, `task ${index}`),
    );
    expect(countBy(results, (result) => `${result.status} ${result.code}`)).toEqual({
      '200 OK': TASKS,
    });
    const numbers = results.map((result) => (result.data as { number: number }).number);
    expect([...numbers].sort((a, b) => a - b)).toEqual(oneTo(TASKS));
    // Both instances handed out numbers.
    const fromB = results
      .filter((_, index) => index % 2 === 1)
      .map((r) => (r.data as { number: number }).number);
    expect(fromB.length).toBe(TASKS / 2);

    expect(await expectProjectIntact(database.url, world.projectId)).toHaveLength(TASKS);
    console.info(
      `[scale-out] ${TASKS} creates over 2 instances: numbers 1..${TASKS} once each; slowest ${Math.max(...results.map((r) => r.ms)).toFixed(0)} ms`,
    );
  });

  it(`a burst of concurrent wrong sign-ins over both instances gets only ${REFUSE_AFTER} passwords checked`, async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, attempt) =>
        call(instances[attempt % 2]!.origin, 'auth.signIn', 'mutation', {
          email: 'burst@example.com',
          password: `guess ${attempt}`,
        }),
      ),
    );
    const codes = countBy(results, (result) => result.code);
    expect(codes).toEqual({ UNAUTHORIZED: REFUSE_AFTER, TOO_MANY_REQUESTS: 40 - REFUSE_AFTER });
    // Both instances and the burst share 127.0.0.1: start the next test with clean counters.
    await database.db.knex.raw('delete from sign_in_failures');
  });

  it(`sign-in failures count across both instances: refused after ${REFUSE_AFTER} in total`, async () => {
    const codes: string[] = [];
    for (let attempt = 0; attempt < REFUSE_AFTER + 2; attempt += 1) {
      const result = await call(instances[attempt % 2]!.origin, 'auth.signIn', 'mutation', {
        email: world.email,
        password: 'the wrong password',
      });
      codes.push(result.code);
    }
    // Per instance, each would have seen only REFUSE_AFTER / 2 failures and kept answering UNAUTHORIZED.
    expect(codes).toEqual([
      ...Array(REFUSE_AFTER).fill('UNAUTHORIZED'),
      'TOO_MANY_REQUESTS',
      'TOO_MANY_REQUESTS',
    ]);
    // Even the right password is refused now, on either instance.
    for (const instance of instances) {
      const refused = await call(instance.origin, 'auth.signIn', 'mutation', {
        email: world.email,
        password: world.password,
      });
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
    }
    console.info(`[scale-out] sign-in attempts alternating A/B: ${codes.join(', ')}`);

    for (const instance of instances) {
      expect(instance.isRunning(), instance.tail()).toBe(true);
      await instance.stop();
      expect(instance.exitCode()).toBe(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { SerializationFailureError } from '../src/errors';
import type { Session } from '../src/session';
import { useTestDatabase } from '../src/testing';

const test = useTestDatabase();

/** Resolves once `parties` callers have arrived; later arrivals (retries) pass straight through. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    arrived += 1;
    if (arrived >= parties) open();
    await opened;
  };
}

async function readCounter(session: Session, name: string): Promise<number> {
  const { rows } = await session.raw<{ rows: Array<{ value: number }> }>(
    'select value from counters where name = ?',
    [name],
  );
  return rows[0]!.value;
}

async function resetCounter(name: string): Promise<void> {
  await test.db.transaction((session) =>
    session.raw(
      'insert into counters (name, value) values (?, 0) on conflict (name) do update set value = 0',
      [name],
    ),
  );
}

/** Read the counter, wait until the other transaction has read it too, then write read + 1. */
function increment(name: string, bothHaveRead: () => Promise<void>, attempts: number[]) {
  return async (session: Session) => {
    attempts.push(1);
    const value = await readCounter(session, name);
    await bothHaveRead();
    await session.raw('update counters set value = ? where name = ?', [value + 1, name]);
  };
}

describe('serializable conflicts', () => {
  it('two overlapping read-then-write transactions both apply thanks to retry', async () => {
    await resetCounter('retry');
    const retriedBefore = test.db.counters.retried;
    const bothHaveRead = barrier(2);
    const attempts: number[] = [];
    await Promise.all([
      test.db.transaction(increment('retry', bothHaveRead, attempts), {
        isolationLevel: 'serializable',
      }),
      test.db.transaction(increment('retry', bothHaveRead, attempts), {
        isolationLevel: 'serializable',
      }),
    ]);
    expect(await test.db.read((session) => readCounter(session, 'retry'))).toBe(2);
    expect(test.db.counters.retried - retriedBefore).toBeGreaterThan(0);
    expect(attempts.length).toBeGreaterThan(2);
  });

  it('with retry disabled the conflict surfaces as SerializationFailureError', async () => {
    await resetCounter('no-retry');
    const bothHaveRead = barrier(2);
    const attempts: number[] = [];
    const outcomes = await Promise.allSettled([
      test.db.transaction(increment('no-retry', bothHaveRead, attempts), {
        isolationLevel: 'serializable',
        retry: false,
      }),
      test.db.transaction(increment('no-retry', bothHaveRead, attempts), {
        isolationLevel: 'serializable',
        retry: false,
      }),
    ]);
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failures).toHaveLength(1);
    const error = (failures[0] as PromiseRejectedResult).reason as SerializationFailureError;
    expect(error).toBeInstanceOf(SerializationFailureError);
    expect(error.kind).toBe('serialization');
    expect(error.attempts).toBe(1);
    expect(attempts).toHaveLength(2);
    expect(await test.db.read((session) => readCounter(session, 'no-retry'))).toBe(1);
  });
});

import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { serializeOutput } from '../src/trpc/output-transformer';

/** Byte-for-byte what superjson writes: the fast walk must never change the wire format. */
function expectSameAsSuperjson(value: unknown): void {
  expect(JSON.stringify(serializeOutput(value))).toBe(JSON.stringify(superjson.serialize(value)));
}

const task = (n: number) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  key: `ENG-${n}`,
  title: 'Fix the login page',
  status: 'todo',
  assignee: n % 2 ? { id: 'u', email: 'a@example.com', name: 'A' } : null,
  labels: [
    { id: 'l1', name: 'bug', color: '#d73a4a' },
    { id: 'l2', name: 'docs', color: '#0075ca' },
  ],
  dueDate: n % 3 ? new Date(Date.UTC(2027, 0, n)) : null,
  createdAt: new Date(Date.UTC(2026, 10, 30, 12, n)),
  updatedAt: new Date(Date.UTC(2026, 10, 30, 13, n)),
  version: n,
  commentCount: n * 2,
});

describe('the output transformer', () => {
  it('writes exactly what superjson writes for the shapes our procedures return', () => {
    expectSameAsSuperjson({ items: [task(1), task(2), task(3)], nextCursor: 'abc' });
    expectSameAsSuperjson({
      ...task(4),
      comments: [{ id: 'c', body: 'x', createdAt: new Date(5) }],
    });
    expectSameAsSuperjson([task(5)]);
    expectSameAsSuperjson({ items: [], nextCursor: null });
    expectSameAsSuperjson({ ok: true, nested: { deeper: { list: [1, 'two', false, null] } } });
    expectSameAsSuperjson(new Date(Date.UTC(2027, 5, 1)));
    expectSameAsSuperjson(null);
    expectSameAsSuperjson('text');
    expectSameAsSuperjson(42);
    expectSameAsSuperjson({
      error: { message: 'Not found', code: -32004, data: { httpStatus: 404 } },
    });
  });

  it('leaves to superjson whatever its fast walk does not cover, with the same result', () => {
    const shared = { id: 'same object twice' };
    const sharedDate = new Date(7);
    for (const value of [
      { a: undefined, b: 1 },
      { a: [1, undefined] },
      { a: -0 },
      { a: Number.NaN, b: Infinity },
      { a: new Date(Number.NaN) },
      { a: 10n },
      { a: new Map([['k', 1]]), b: new Set([1]) },
      { a: shared, b: shared },
      { a: sharedDate, b: sharedDate },
      { 'dotted.key': new Date(1) },
      { 'back\\slash': 1 },
      { a: new (class Custom {})() },
      { a: /regex/ },
    ]) {
      expectSameAsSuperjson(value);
    }
  });

  it('round-trips through superjson on the client side', () => {
    const value = { items: [task(6)], at: new Date(Date.UTC(2026, 0, 1)) };
    expect(superjson.deserialize(serializeOutput(value))).toEqual(value);
  });

  it('does not change the value it is given', () => {
    const value = task(7);
    const before = structuredClone(value);
    serializeOutput(value);
    expect(value).toEqual(before);
  });
});

import { describe, expect, it } from 'vitest';
import { settlePipelined } from '../src/settle-pipelined';
import { useTestDatabase } from '../src/testing';

const test = useTestDatabase();

describe('settlePipelined', () => {
  it('returns the values of statements sent together, in the order given', async () => {
    const [one, two] = await test.db.read((session) =>
      settlePipelined([
        session.query<{ n: number }>('select 1 as n'),
        session.query<{ n: number }>('select 2 as n'),
      ]),
    );
    expect([one, two]).toEqual([[{ n: 1 }], [{ n: 2 }]]);
  });

  it('throws the failure that aborted the transaction, not the statements it took down with it', async () => {
    await expect(
      test.db.read((session) => {
        // The division goes out first and fails; the select behind it is refused (25P02).
        const failing = session.query('select 1 / 0');
        const refused = session.query('select 1');
        return settlePipelined([refused, failing]);
      }),
    ).rejects.toThrow(/division by zero/);
  });
});

import { InvalidInputError } from '@trellis/kernel';

const PREFIX = 'n:';
const PATTERN = /^n:([1-9][0-9]{0,9})$/;

/**
 * The keyset cursor of listTasks: an opaque string that encodes the number of the last task
 * on a page. The next page continues below it (`number < last`), so tasks created meanwhile
 * (which get higher numbers) never shift or repeat the pages that follow.
 */
export const TaskCursor = {
  encode(lastNumber: number): string {
    return Buffer.from(`${PREFIX}${lastNumber}`, 'utf8').toString('base64url');
  },

  /** The number encoded in `cursor`; anything else is InvalidInputError(['cursor']). */
  decode(cursor: string): number {
    const text = /^[A-Za-z0-9_-]+$/.test(cursor)
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : '';
    const match = PATTERN.exec(text);
    const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
    if (!Number.isSafeInteger(value) || value > 2_147_483_647) {
      throw new InvalidInputError(['cursor'], 'The cursor is not valid');
    }
    return value;
  },
};

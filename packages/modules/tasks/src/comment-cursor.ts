import { InvalidInputError } from '@trellis/kernel';

const PREFIX = 'c:';
const PATTERN = /^c:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/**
 * The keyset cursor of a task's comments: an opaque string naming the last comment shown. The
 * next page continues after it in (created_at, id) order, read from that comment's own row, so
 * comments added meanwhile (always later) never shift or repeat a page.
 */
export const CommentCursor = {
  encode(lastCommentId: string): string {
    return Buffer.from(`${PREFIX}${lastCommentId}`, 'utf8').toString('base64url');
  },

  /** The comment id encoded in `cursor`; anything else is InvalidInputError(['cursor']). */
  decode(cursor: string): string {
    const text = /^[A-Za-z0-9_-]+$/.test(cursor)
      ? Buffer.from(cursor, 'base64url').toString('utf8')
      : '';
    const id = PATTERN.exec(text)?.[1];
    if (!id) throw new InvalidInputError(['cursor'], 'The cursor is not valid');
    return id;
  },
};

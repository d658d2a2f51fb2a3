import type { Session } from '@trellis/db';
import { ActivityModel } from '../models/activity-model';
import type { ActivityEntry } from '../schemas';
import { entryColumns, toActivityEntry } from './entry-columns';

/** One committed entry at its place in the workspace's feed (see create-activity-feed.ts). */
export interface FeedEvent {
  /** Position in the workspace's feed: commit order, gapless, starting at 1. */
  seq: number;
  /** When the entry's transaction committed (the feed position was taken at COMMIT). */
  committedAt: Date;
  entry: ActivityEntry;
}

/** The entries committed after position `afterSeq`, in commit order, at most `limit` of them. */
export async function readFeed(
  session: Session,
  workspaceId: string,
  afterSeq: number,
  limit: number,
): Promise<FeedEvent[]> {
  const rows = await ActivityModel.query(session)
    .select(entryColumns(session))
    .select('activity_feed.seq', 'activity_feed.committed_at as feed_committed_at')
    .join('activity_feed', 'activity_feed.activity_id', 'activity.id')
    .where('activity_feed.workspace_id', workspaceId)
    .where('activity_feed.seq', '>', afterSeq)
    .orderBy('activity_feed.seq')
    .limit(limit)
    .withGraphFetched('actor')
    .modifyGraph('actor', (users) => {
      users.select('users.id', 'users.email', 'users.name');
    });
  return rows.map((row) => {
    const position = row as unknown as { seq: string | number; feedCommittedAt: Date };
    return {
      seq: Number(position.seq),
      committedAt: position.feedCommittedAt,
      entry: toActivityEntry(row),
    };
  });
}

/** The position of the workspace's newest committed entry (0: none yet). */
export async function feedHead(session: Session, workspaceId: string): Promise<number> {
  const [row] = await session.query<{ last_seq: string }>(
    'select last_seq from activity_feed_heads where workspace_id = $1',
    [workspaceId],
  );
  return row ? Number(row.last_seq) : 0;
}

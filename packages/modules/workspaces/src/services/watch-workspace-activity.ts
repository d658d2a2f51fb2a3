import {
  feedHead,
  type ActivityFeedHub,
  type FeedEvent,
  type FeedSubscription,
} from '@trellis/activity';
import { ForbiddenError, type Actor } from '@trellis/kernel';
import { requireRole } from '../access/require-role';

export interface WatchWorkspaceActivityInput {
  workspaceId: string;
  /** Resume after this feed position (the last event the client saw). */
  afterSeq?: number | undefined;
}

const LEAVING_KINDS: ReadonlySet<string> = new Set(['member.removed', 'member.left']);

/**
 * A member's live view of a workspace's activity (any role): the events after `afterSeq` (or
 * from now), then live ones, in commit order. A non-member gets NotFoundError, as everywhere.
 * The stream ends with ForbiddenError as soon as an event says the watcher left or was removed
 * after the membership check; removals before it are history (the watcher was added again).
 */
export async function watchWorkspaceActivity(
  hub: ActivityFeedHub,
  actor: Actor,
  input: WatchWorkspaceActivityInput,
): Promise<AsyncIterable<FeedEvent> & Pick<FeedSubscription, 'close' | 'onEnd'>> {
  const { workspaceId } = input;
  // One snapshot for the check and the position it holds for.
  const checkedAt = await hub.db.read(
    async (session) => {
      await requireRole(session, actor, workspaceId, 'viewer');
      return feedHead(session, workspaceId);
    },
    { isolationLevel: 'repeatable read' },
  );
  const subscription = await hub.subscribe(workspaceId, input.afterSeq ?? checkedAt);
  async function* events(): AsyncGenerator<FeedEvent> {
    try {
      for await (const event of subscription) {
        const { entry } = event;
        if (
          event.seq > checkedAt &&
          LEAVING_KINDS.has(entry.kind) &&
          entry.data.userId === actor.userId
        ) {
          throw new ForbiddenError('You are no longer a member of this workspace');
        }
        yield event;
      }
    } finally {
      subscription.close();
    }
  }
  const iterable = events();
  return Object.assign(iterable, {
    close: () => subscription.close(),
    onEnd: (listener: (error: Error) => void) => subscription.onEnd(listener),
  });
}

import { NotificationListener, type Database, type DatabaseLogger } from '@trellis/db';
import { ACTIVITY_CHANNEL } from '../migrations/create-activity-feed';
import { feedHead, readFeed, type FeedEvent } from '../services/read-feed';
import { FeedEndedError } from './feed-errors';

export interface ActivityFeedHubOptions {
  /** Where the listening connection goes: PostgreSQL itself, never PgBouncer in transaction mode. */
  listenUrl: string;
  logger: DatabaseLogger;
  /** Recent events kept per watched workspace, shared by its subscribers. */
  bufferSize?: number;
  /**
   * A subscriber this many events behind the newest that has not taken an event for
   * `stallMs` is cut off (it resumes by position): its consumer stopped reading.
   */
  maxLag?: number;
  stallMs?: number;
  /** Each event handed to a subscriber, with the time since its transaction committed. */
  onDelivered?(commitToDeliveryMs: number): void;
  applicationName?: string;
}

const FETCH_BATCH = 500;
const CATCH_UP_PAGE = 200;
const FETCH_RETRY_MS = 500;

/**
 * Live activity for this instance: one LISTEN connection, and per watched workspace one reader
 * that fetches each newly committed entry once (a notification is only a wake-up call) into a
 * small buffer its subscribers read from. A subscriber behind the buffer (it resumed from an
 * old position) reads the table itself, page by page, until it reaches the buffer. After the
 * listening connection is re-established, every watched workspace is read again from its last
 * known position, so nothing committed meanwhile is missed.
 */
export class ActivityFeedHub {
  readonly db: Database;
  readonly #options: Required<Pick<ActivityFeedHubOptions, 'bufferSize' | 'maxLag' | 'stallMs'>> &
    ActivityFeedHubOptions;
  readonly #channels = new Map<string, WorkspaceChannel>();
  readonly #listener: NotificationListener;
  #closing: FeedEndedError | undefined;
  #sweep: NodeJS.Timeout | undefined;
  eventsDelivered = 0;

  constructor(db: Database, options: ActivityFeedHubOptions) {
    this.db = db;
    this.#options = { bufferSize: 1_000, maxLag: 1_000, stallMs: 1_000, ...options };
    this.#listener = new NotificationListener({
      url: options.listenUrl,
      channels: [ACTIVITY_CHANNEL],
      logger: options.logger,
      applicationName: options.applicationName ?? 'trellis',
      onNotification: (_channel, payload) => this.#notified(payload),
      onListening: () => {
        for (const channel of this.#channels.values()) channel.wake();
      },
    });
  }

  /** Starts listening (in the background: see NotificationListener.start). */
  start(): void {
    this.#listener.start();
    // Lag is also checked when new events arrive; the sweep catches a consumer that stopped
    // reading after the last burst.
    this.#sweep = setInterval(() => {
      for (const channel of this.#channels.values()) channel.cutOffStalled();
    }, this.#options.stallMs);
    this.#sweep.unref();
  }

  get listenerReconnects(): number {
    return this.#listener.reconnects;
  }

  get openSubscriptions(): number {
    let open = 0;
    for (const channel of this.#channels.values()) open += channel.subscribers.size;
    return open;
  }

  /**
   * Events of `workspaceId` committed after position `afterSeq`, then live ones, in commit
   * order, each once; without `afterSeq`, only those committed from now on. The caller checks
   * membership first. Ends (FeedEndedError) when the consumer lags too far or on close().
   */
  async subscribe(workspaceId: string, afterSeq?: number): Promise<FeedSubscription> {
    if (this.#closing) throw this.#closing;
    let channel = this.#channels.get(workspaceId);
    if (!channel) {
      channel = new WorkspaceChannel(this, workspaceId);
      this.#channels.set(workspaceId, channel);
    }
    const subscription = new FeedSubscription(channel, afterSeq ?? 0);
    channel.subscribers.add(subscription);
    try {
      await channel.ready;
    } catch (error) {
      channel.remove(subscription);
      throw error;
    }
    if (afterSeq === undefined) subscription.cursor = channel.head;
    return subscription;
  }

  /** Ends every subscription (their consumers reconnect elsewhere) and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#closing = new FeedEndedError(
      'shutting down',
      'The server is shutting down; reconnect to resume from the last event',
    );
    for (const channel of this.#channels.values()) {
      for (const subscription of channel.subscribers) subscription.end(this.#closing);
    }
    await this.#listener.close();
  }

  /** @internal */
  get options() {
    return this.#options;
  }

  /** @internal A channel with no subscribers left is dropped. */
  release(channel: WorkspaceChannel): void {
    if (channel.subscribers.size === 0 && this.#channels.get(channel.workspaceId) === channel) {
      this.#channels.delete(channel.workspaceId);
    }
  }

  /** @internal */
  forget(channel: WorkspaceChannel): void {
    if (this.#channels.get(channel.workspaceId) === channel) {
      this.#channels.delete(channel.workspaceId);
    }
  }

  /** @internal */
  delivered(event: FeedEvent): void {
    this.eventsDelivered += 1;
    this.#options.onDelivered?.(Date.now() - event.committedAt.getTime());
  }

  #notified(payload: string): void {
    const [workspaceId, seqText] = payload.split(' ');
    const channel = workspaceId ? this.#channels.get(workspaceId) : undefined;
    if (channel && Number(seqText) > channel.head) channel.wake();
  }
}

/** One watched workspace on this instance: its recent events and its subscribers. */
class WorkspaceChannel {
  readonly workspaceId: string;
  readonly subscribers = new Set<FeedSubscription>();
  readonly ready: Promise<void>;
  /** Newest position read into the buffer. */
  head = 0;
  /** Consecutive events ending at `head`. */
  events: FeedEvent[] = [];
  readonly hub: ActivityFeedHub;
  #fetching = false;
  #again = false;

  constructor(hub: ActivityFeedHub, workspaceId: string) {
    this.hub = hub;
    this.workspaceId = workspaceId;
    this.ready = hub.db
      .read((session) => feedHead(session, workspaceId))
      .then((head) => {
        this.head = Math.max(this.head, head);
      });
    // A channel that could not start is dropped at once: the next subscriber starts a new one.
    this.ready.catch(() => this.hub.forget(this));
  }

  /** Position of the oldest buffered event (head + 1 when the buffer is empty). */
  get firstBuffered(): number {
    return this.events[0]?.seq ?? this.head + 1;
  }

  wake(): void {
    if (this.#fetching) {
      this.#again = true;
      return;
    }
    void this.#fetch();
  }

  /**
   * Ends the subscriptions more than maxLag events behind whose consumer has not taken an
   * event for stallMs: it stopped reading (its socket is full), so it only holds memory.
   */
  cutOffStalled(): void {
    const { maxLag, stallMs } = this.hub.options;
    const stalledSince = Date.now() - stallMs;
    for (const subscription of this.subscribers) {
      if (
        this.head - subscription.cursor > maxLag &&
        subscription.lastPulledAt < stalledSince &&
        !subscription.catchingUp
      ) {
        subscription.end(
          new FeedEndedError(
            'lagging',
            `The stream fell more than ${maxLag} events behind; reconnect to resume from the last event`,
          ),
        );
      }
    }
  }

  remove(subscription: FeedSubscription): void {
    this.subscribers.delete(subscription);
    this.hub.release(this);
  }

  async #fetch(): Promise<void> {
    this.#fetching = true;
    try {
      await this.ready;
      do {
        this.#again = false;
        // A batch never exceeds the lag limit, so a subscriber that keeps up is never cut off
        // by the size of one burst.
        const batch = Math.min(FETCH_BATCH, this.hub.options.maxLag);
        const events = await this.hub.db.read((session) =>
          readFeed(session, this.workspaceId, this.head, batch),
        );
        if (events.length === 0) continue;
        this.events.push(...events);
        this.head = events[events.length - 1]!.seq;
        const { bufferSize } = this.hub.options;
        if (this.events.length > 2 * bufferSize) this.events = this.events.slice(-bufferSize);
        this.cutOffStalled();
        for (const subscription of this.subscribers) subscription.wake();
        if (events.length === batch) this.#again = true;
      } while (this.#again && this.subscribers.size > 0);
    } catch (error) {
      this.hub.options.logger.error(
        { err: error, workspaceId: this.workspaceId },
        'could not read the activity feed: retrying',
      );
      setTimeout(() => this.wake(), FETCH_RETRY_MS).unref();
    } finally {
      this.#fetching = false;
    }
  }
}

/** One consumer's position in a workspace's feed; iterate it for the events. */
export class FeedSubscription implements AsyncIterable<FeedEvent> {
  /** The last position handed to the consumer. */
  cursor: number;
  /** True while reading events older than the buffer from the table. */
  catchingUp = false;
  /** When the consumer last asked for an event. */
  lastPulledAt = Date.now();
  readonly #channel: WorkspaceChannel;
  #ended: Error | undefined;
  #finished = false;
  #waiting: (() => void) | undefined;
  readonly #endListeners: Array<(error: Error) => void> = [];

  constructor(channel: WorkspaceChannel, cursor: number) {
    this.#channel = channel;
    this.cursor = cursor;
  }

  /** Called once if the hub ends this subscription (lagging, shutdown). */
  onEnd(listener: (error: Error) => void): void {
    this.#endListeners.push(listener);
  }

  /** @internal */
  wake(): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.();
  }

  /** Ends the subscription: the consumer's next read throws `error`. */
  end(error: Error): void {
    if (this.#ended || this.#finished) return;
    this.#ended = error;
    this.#channel.remove(this);
    for (const listener of this.#endListeners) listener(error);
    this.wake();
  }

  /** Stops without an error (the consumer left). */
  close(): void {
    this.#finished = true;
    this.#channel.remove(this);
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<FeedEvent> {
    const channel = this.#channel;
    try {
      for (;;) {
        this.lastPulledAt = Date.now();
        if (this.#ended) throw this.#ended;
        if (this.#finished) return;
        const next = this.cursor + 1;
        const first = channel.firstBuffered;
        if (next >= first && next <= channel.head) {
          const event = channel.events[next - first]!;
          this.cursor = event.seq;
          yield this.#deliver(event);
          continue;
        }
        if (next < first) {
          // Behind the buffer (resumed from an old position): read the table.
          this.catchingUp = true;
          const page = await this.#readPage();
          this.catchingUp = false;
          for (const event of page) {
            this.lastPulledAt = Date.now();
            if (this.#ended) throw this.#ended;
            if (event.seq !== this.cursor + 1) break;
            this.cursor = event.seq;
            yield this.#deliver(event);
          }
          if (page.length > 0) continue;
        }
        await new Promise<void>((resolve) => {
          this.#waiting = resolve;
        });
      }
    } finally {
      this.catchingUp = false;
      if (!this.#ended) this.close();
    }
  }

  #readPage(): Promise<FeedEvent[]> {
    const channel = this.#channel;
    return channel.hub.db.read((session) =>
      readFeed(session, channel.workspaceId, this.cursor, CATCH_UP_PAGE),
    );
  }

  #deliver(event: FeedEvent): FeedEvent {
    this.#channel.hub.delivered(event);
    return event;
  }
}

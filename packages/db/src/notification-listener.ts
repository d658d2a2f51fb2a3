import pg from 'pg';
import { consoleLogger, type DatabaseLogger } from './logger';

export interface NotificationListenerOptions {
  /** A direct PostgreSQL URL: LISTEN needs a session, which PgBouncer in transaction mode cannot carry. */
  url: string;
  channels: readonly string[];
  onNotification(channel: string, payload: string): void;
  /**
   * Called each time LISTEN is in place (the first time included, which may come late when the
   * database was down at start): notifications sent while it was not are gone, so whatever
   * committed meanwhile must be read back from the tables.
   */
  onListening?(): void;
  logger?: DatabaseLogger;
  applicationName?: string;
  /** Reconnect backoff: doubles from `initialBackoffMs` up to `maxBackoffMs`, with jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A round trip this often proves the connection alive (a silently dead one is replaced). */
  heartbeatMs?: number;
}

/**
 * One dedicated connection, outside the pool, holding LISTEN on a few channels; re-established
 * with backoff when lost (server restart, pg_terminate_backend, a dead network).
 */
export class NotificationListener {
  readonly #options: NotificationListenerOptions;
  readonly #logger: DatabaseLogger;
  #client: pg.Client | undefined;
  #closed = false;
  #connectedOnce = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #reconnects = 0;

  constructor(options: NotificationListenerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? consoleLogger;
  }

  /** Times the connection was re-established after a loss. */
  get reconnects(): number {
    return this.#reconnects;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  /**
   * Connects and LISTENs in the background: a database that is down at start (the API still
   * boots and reports it in /readyz) is retried with backoff like a lost connection.
   */
  start(): void {
    this.#connect().catch((error: unknown) => {
      if (this.#closed) return;
      this.#logger.warn(
        { err: error, channels: this.#options.channels },
        'the notification listener could not connect: retrying',
      );
      this.#scheduleReconnect();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#heartbeat);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#options.url,
      application_name: `${this.#options.applicationName ?? 'trellis'}-listener`,
      keepAlive: true,
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.#client === client) this.#client = undefined;
      clearInterval(this.#heartbeat);
      client.end().catch(() => undefined);
      if (this.#closed) return;
      this.#logger.warn(
        { err: error, channels: this.#options.channels },
        'the notification listener lost its connection: reconnecting',
      );
      this.#scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      this.#options.onNotification(message.channel, message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.#options.channels) {
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      }
    } catch (error) {
      lost = true;
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#failures = 0;
    const heartbeatMs = this.#options.heartbeatMs ?? 15_000;
    this.#heartbeat = setInterval(() => {
      client.query('select 1').catch((error: Error) => onLost(error));
    }, heartbeatMs);
    this.#heartbeat.unref();
    if (this.#connectedOnce) this.#reconnects += 1;
    this.#connectedOnce = true;
    this.#options.onListening?.();
  }

  #scheduleReconnect(): void {
    const initial = this.#options.initialBackoffMs ?? 100;
    const max = this.#options.maxBackoffMs ?? 5_000;
    const base = Math.min(max, initial * 2 ** this.#failures);
    this.#failures += 1;
    const wait = base / 2 + Math.random() * (base / 2);
    this.#retry = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        if (this.#closed) return;
        this.#logger.warn(
          { err: error, attempt: this.#failures },
          'the notification listener could not reconnect: retrying',
        );
        this.#scheduleReconnect();
      });
    }, wait);
    this.#retry.unref();
  }
}

import type { Database } from '@trellis/db';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The API's Prometheus metrics. One registry per server (not prom-client's global one), so
 * several servers in one process (tests) do not collide.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly procedureDuration = new Histogram({
    name: 'trellis_procedure_duration_seconds',
    help: 'Time to answer one tRPC procedure call, by procedure and result code',
    labelNames: ['procedure', 'type', 'code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly dbQueries = new Counter({
    name: 'trellis_db_queries_total',
    help: 'Database queries run by requests',
    registers: [this.registry],
  });

  readonly dbQuerySeconds = new Counter({
    name: 'trellis_db_query_duration_seconds_total',
    help: 'Total time requests spent waiting on database queries',
    registers: [this.registry],
  });

  readonly queriesPerRequest = new Histogram({
    name: 'trellis_request_db_queries',
    help: 'Database queries per HTTP request',
    buckets: [0, 1, 2, 4, 6, 8, 12, 16, 32],
    registers: [this.registry],
  });

  readonly shedRequests = new Counter({
    name: 'trellis_requests_shed_total',
    help: 'Requests refused with 503 by load shedding, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly feedCommitToDelivery = new Histogram({
    name: 'trellis_live_commit_to_delivery_seconds',
    help: 'Time from a change committing to its live event being handed to a subscriber',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(db: Database) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    new Gauge({
      name: 'trellis_db_pool_connections',
      help: 'Pool connections by state',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = db.poolStats();
        this.set({ state: 'used' }, stats.used);
        this.set({ state: 'free' }, stats.free);
      },
    });
    new Gauge({
      name: 'trellis_db_pool_size',
      help: 'Open pool connections, used or free',
      registers,
      collect() {
        this.set(db.poolStats().size);
      },
    });
    new Gauge({
      name: 'trellis_db_pool_max',
      help: 'Most connections the pool opens',
      registers,
      collect() {
        this.set(db.poolStats().max);
      },
    });
    new Gauge({
      name: 'trellis_db_pool_pending_acquires',
      help: 'Transactions waiting for a pool connection',
      registers,
      collect() {
        this.set(db.poolStats().pendingAcquires);
      },
    });
    new Gauge({
      name: 'trellis_db_pool_oldest_acquire_wait_seconds',
      help: 'How long the longest-waiting transaction has waited for a connection',
      registers,
      collect() {
        this.set(db.oldestAcquireWaitMs() / 1000);
      },
    });
    new Counter({
      name: 'trellis_db_transactions_total',
      help: 'Transactions by outcome (retried counts each retry)',
      labelNames: ['outcome'] as const,
      registers,
      collect() {
        this.reset();
        this.inc({ outcome: 'committed' }, db.counters.committed);
        this.inc({ outcome: 'rolled_back' }, db.counters.rolledBack);
        this.inc({ outcome: 'retried' }, db.counters.retried);
        this.inc({ outcome: 'timed_out' }, db.counters.timedOut);
      },
    });
  }

  /** The live-updates figures, read from the hub and the slots when scraped. */
  observeLive(live: {
    openSubscriptions(): number;
    eventsDelivered(): number;
    listenerReconnects(): number;
  }): void {
    const registers = [this.registry];
    new Gauge({
      name: 'trellis_live_subscriptions',
      help: 'Live-update streams open on this instance',
      registers,
      collect() {
        this.set(live.openSubscriptions());
      },
    });
    new Counter({
      name: 'trellis_live_events_delivered_total',
      help: 'Live events handed to subscribers',
      registers,
      collect() {
        this.reset();
        this.inc(live.eventsDelivered());
      },
    });
    new Counter({
      name: 'trellis_live_listener_reconnects_total',
      help: 'Times the LISTEN connection was re-established after a loss',
      registers,
      collect() {
        this.reset();
        this.inc(live.listenerReconnects());
      },
    });
  }

  observeRequestQueries(count: number, durationMs: number): void {
    this.dbQueries.inc(count);
    this.dbQuerySeconds.inc(durationMs / 1000);
    this.queriesPerRequest.observe(count);
  }
}

import type { LoadPoint } from './load';
import type { WireCounts } from './wire-counter';

/**
 * `before`: Trellis built from another checkout (BENCH_BEFORE_API), for a before/after;
 * `baseline-tx`: the hand-written server with one transaction per request (its price);
 * `trellis-unprepared`: Trellis with DATABASE_PREPARED_STATEMENTS=false (their price).
 */
export type ServerName =
  'trellis' | 'trellis-unprepared' | 'before' | 'baseline' | 'baseline-tx' | 'peer' | 'ceiling';

/** One point: what autocannon measured, for one server, scenario and concurrency. */
export interface ResultPoint extends LoadPoint {
  server: ServerName;
  scenario: string;
  connections: number;
  /** CPU time the server process spent per request (Linux /proc), whatever else the machine ran. */
  cpuMsPerRequest?: number | undefined;
  /** Runs averaged into this point (two alternating runs at 64 and 256 connections in a full run). */
  runs: number;
  /** Each run's requests/s, in the order they ran (the spread behind the mean). */
  runRequestsPerSecond: number[];
}

/** Pool and event loop while Trellis served 256 connections, sampled from its /metrics. */
export interface CrowdSample {
  scenario: string;
  poolUsedMax: number;
  poolUsedMean: number;
  pendingAcquiresMax: number;
  eventLoopLagP99MaxMs: number;
  samples: number;
}

export interface StatementCount extends WireCounts {
  server: ServerName;
  scenario: string;
  /** Trellis only: the query count its Server-Timing header reported, per request. */
  serverTiming?: number;
}

export interface BenchResults {
  mode: 'full' | 'quick' | 'smoke';
  /** The checkout the `before` rows ran from, when there are any. */
  before?: string | undefined;
  startedAt: string;
  machine: {
    cpus: string;
    cores: number;
    memoryGiB: number;
    node: string;
    postgres: string;
    platform: string;
  };
  dataset: { tasks: number; projects: number; workspaces: number; comments: number };
  secondsPerPoint: number;
  trellisScenarios: string[];
  points: ResultPoint[];
  statements: StatementCount[];
  crowd: CrowdSample[];
}

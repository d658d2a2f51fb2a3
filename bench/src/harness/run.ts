import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDatabase } from '@trellis/db';
import { findFreePort } from '@trellis/db/embedded';
import { databaseUrl, withAdminClient } from '@trellis/db/testing';
import { launchReference, type RunningReference } from '../reference-launcher';
import type { ReferenceName } from '../references';
import { seedDataset, type Dataset, type DatasetShape } from './dataset';
import { runLoad } from './load';
import { renderChart, renderMarkdown } from './report';
import type { BenchResults, CrowdSample, ResultPoint, ServerName, StatementCount } from './results';
import { buildScenario, type ScenarioName } from './scenarios';
import { checkTargets, type TargetCheck } from './targets';
import { processCpuMs } from './process-cpu';
import { launchTrellis, type RunningTrellis } from './trellis-process';
import { WireCounter } from './wire-counter';

export type BenchMode = 'full' | 'quick' | 'smoke';

interface ModeSettings {
  shape: DatasetShape;
  concurrencies: number[];
  seconds: number;
  warmupSeconds: number;
  /**
   * Runs at the concurrencies the targets compare (64 and 256 connections), alternating servers
   * and taken in turns with each other (concurrencyGroups), averaged: the issue's own protocol
   * ("each figure the mean of two alternating 6-second runs"). A target that divides the 256
   * figure by the 64 one needs both as steady as each other.
   */
  runsAtTargets: number;
  countedRequests: number;
}

const MODES: Record<BenchMode, ModeSettings> = {
  full: {
    shape: { workspaces: 4, projectsPerWorkspace: 5, tasks: 100_000 },
    concurrencies: [1, 16, 64, 256],
    seconds: 6,
    warmupSeconds: 2,
    runsAtTargets: 2,
    countedRequests: 50,
  },
  quick: {
    shape: { workspaces: 4, projectsPerWorkspace: 5, tasks: 20_000 },
    concurrencies: [64],
    seconds: 3,
    warmupSeconds: 1,
    runsAtTargets: 1,
    countedRequests: 10,
  },
  smoke: {
    shape: { workspaces: 1, projectsPerWorkspace: 2, tasks: 40 },
    concurrencies: [2],
    seconds: 1,
    warmupSeconds: 0,
    runsAtTargets: 1,
    countedRequests: 2,
  },
};

/** The concurrencies Part 2's targets read (targets.ts): 64, and 256 against 64. */
const TARGET_CONCURRENCIES = [64, 256];

/**
 * The order of the points: each other concurrency on its own, one run; the target
 * concurrencies together, scenario by scenario, in turns (64, 256, 64, 256), `runsAtTargets`
 * runs each. A target divides the 256 figure by the 64 one, and on a shared machine two phases
 * minutes apart measure the machine's drift as well: in full run #9 (2026-12-07) every server
 * that talks to PostgreSQL, the hand-written one included, lost 15 to 30% between the 64 phase
 * and the 256 phase five minutes later, while the no-op query lost 7%.
 */
export function concurrencyGroups(
  settings: Pick<ModeSettings, 'concurrencies' | 'runsAtTargets'>,
): Array<{ concurrencies: number[]; runs: number }> {
  const compared = settings.concurrencies.filter((c) => TARGET_CONCURRENCIES.includes(c));
  return [
    ...settings.concurrencies
      .filter((c) => !TARGET_CONCURRENCIES.includes(c))
      .map((c) => ({ concurrencies: [c], runs: 1 })),
    ...(compared.length > 0 ? [{ concurrencies: compared, runs: settings.runsAtTargets }] : []),
  ];
}

const TRELLIS_SCENARIOS: ScenarioName[] = [
  'auth.me',
  'tasks.get',
  'tasks.list',
  'tasks.create',
  'mix',
];
const REFERENCE_SCENARIOS: Record<ReferenceName, ScenarioName[]> = {
  baseline: ['auth.me', 'tasks.get', 'tasks.list'],
  peer: ['auth.me', 'tasks.get', 'tasks.list'],
  ceiling: ['noop'],
};

export interface BenchOptions {
  mode: BenchMode;
  /** A PostgreSQL server to create the bench database on (a superuser URL). */
  serverUrl: string;
  trellisBuild: 'dist' | 'source';
  resultsDir: string;
  /** The node binary every server runs on (default: this one); BENCH_NODE on the command line. */
  node?: string;
  /** Another checkout's built apps/api, served beside Trellis as `before` (BENCH_BEFORE_API). */
  beforeApiDir?: string;
  log?: (line: string) => void;
  /** Only these scenarios (`--only auth.me,tasks.get`), for profiling one path; targets need all. */
  only?: ScenarioName[];
}

interface Servers {
  trellis: RunningTrellis;
  /** Trellis with DATABASE_PREPARED_STATEMENTS=false: the price of prepared statements. */
  unprepared: RunningTrellis;
  before: RunningTrellis | undefined;
  references: Map<ReferenceName, RunningReference>;
  /** The hand-written server with BASELINE_TRANSACTION=1. */
  baselineTx: RunningReference;
}

const trellisOf = (servers: Servers, name: ServerName) =>
  name === 'trellis'
    ? servers.trellis
    : name === 'trellis-unprepared'
      ? servers.unprepared
      : name === 'before'
        ? servers.before
        : undefined;
const processOf = (servers: Servers, name: ServerName) =>
  trellisOf(servers, name) ??
  (name === 'baseline-tx' ? servers.baselineTx : servers.references.get(name as ReferenceName)!);
const originOf = (servers: Servers, name: ServerName) => processOf(servers, name).origin;
const pidOf = (servers: Servers, name: ServerName) => processOf(servers, name).process.pid;

/** `pnpm bench`: one fresh database, the dataset, Trellis and the references, every point. */
export async function runBench(
  options: BenchOptions,
): Promise<{ results: BenchResults; targets: TargetCheck[] }> {
  const settings = MODES[options.mode];
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const name = `trellis_bench_${process.pid}_${Date.now().toString(36)}`;
  await withAdminClient(options.serverUrl, (client) => client.query(`create database "${name}"`));
  const url = databaseUrl(options.serverUrl, name);
  mkdirSync(options.resultsDir, { recursive: true });
  const started: Array<{ stop(): Promise<unknown> }> = [];
  try {
    log(
      `dataset: ${settings.shape.tasks.toLocaleString('en-US')} tasks in ${settings.shape.workspaces * settings.shape.projectsPerWorkspace} projects`,
    );
    const db = createDatabase({ url, transactionTimeoutMs: 600_000, statementTimeoutMs: 600_000 });
    let dataset: Dataset;
    try {
      let shown = -1;
      dataset = await seedDataset(db, settings.shape, (written, total) => {
        const percent = Math.floor((written / total) * 100);
        if (percent !== shown && (percent % 10 === 0 || written === total)) {
          shown = percent;
          log(
            `  seeding: ${written.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} tasks`,
          );
        }
      });
      await db.read((session) => session.raw('analyze'));
    } finally {
      await db.close();
    }
    const postgres = await withAdminClient(options.serverUrl, async (client) =>
      String(
        ((await client.query('show server_version')) as { rows: Array<{ server_version: string }> })
          .rows[0]?.server_version,
      ),
    );

    const servers = await startServers(url, options, started);
    const results: BenchResults = {
      mode: options.mode,
      before: options.beforeApiDir,
      startedAt: new Date().toISOString(),
      machine: {
        cpus: os.cpus()[0]?.model ?? 'unknown CPU',
        cores: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: nodeVersion(options.node),
        postgres: `PostgreSQL ${postgres}`,
        platform: `${os.type()} ${os.release()}`,
      },
      dataset: {
        tasks: settings.shape.tasks,
        projects: dataset.projects.length,
        workspaces: settings.shape.workspaces,
        comments: dataset.comments,
      },
      secondsPerPoint: settings.seconds,
      trellisScenarios: TRELLIS_SCENARIOS,
      points: [],
      statements: [],
      crowd: [],
    };

    const priceAt = settings.concurrencies.includes(64) ? 64 : settings.concurrencies[0];
    const serversFor = (scenario: ScenarioName, connections: number): ServerName[] =>
      scenario === 'noop'
        ? ['ceiling']
        : [
            'trellis',
            // The earlier build answers reads only: its writes may predate today's schema.
            ...(servers.before && REFERENCE_SCENARIOS.baseline.includes(scenario)
              ? (['before'] as const)
              : []),
            ...(['baseline', 'peer'] as const).filter((reference) =>
              REFERENCE_SCENARIOS[reference].includes(scenario),
            ),
            // The price of one transaction per request, and of Trellis's prepared statements, at
            // the machine's limit (64 connections).
            ...(connections === priceAt && REFERENCE_SCENARIOS.baseline.includes(scenario)
              ? (['baseline-tx', 'trellis-unprepared'] as const)
              : []),
          ];
    const measure = async (
      scenarioName: ScenarioName,
      server: ServerName,
      connections: number,
    ): Promise<ResultPoint> => {
      const scenario = buildScenario(scenarioName, dataset);
      const pid = pidOf(servers, server);
      let cpuBefore: number | undefined;
      let sampler: ReturnType<typeof sampleCrowd> | undefined;
      const point = await runLoad(originOf(servers, server), scenario, {
        connections,
        seconds: settings.seconds,
        warmupSeconds: settings.warmupSeconds,
        onMeasuring: () => {
          cpuBefore = processCpuMs(pid);
          if (server === 'trellis' && connections >= 256) {
            sampler = sampleCrowd(servers.trellis.metricsOrigin, scenarioName);
          }
        },
      });
      const cpuAfter = processCpuMs(pid);
      if (sampler) results.crowd.push(await sampler.stop());
      return {
        server,
        scenario: scenarioName,
        connections,
        ...point,
        cpuMsPerRequest:
          cpuBefore !== undefined && cpuAfter !== undefined && point.total > 0
            ? (cpuAfter - cpuBefore) / point.total
            : undefined,
        runs: 1,
        runRequestsPerSecond: [point.requestsPerSecond],
      };
    };
    for (const group of concurrencyGroups(settings)) {
      for (const scenarioName of [...TRELLIS_SCENARIOS, 'noop'] as ScenarioName[]) {
        if (options.only && !options.only.includes(scenarioName)) continue;
        const collected = new Map<string, ResultPoint[]>();
        for (let run = 0; run < group.runs; run += 1) {
          for (const connections of group.concurrencies) {
            for (const server of serversFor(scenarioName, connections)) {
              const key = `${connections} ${server}`;
              collected.set(key, [
                ...(collected.get(key) ?? []),
                await measure(scenarioName, server, connections),
              ]);
            }
          }
        }
        for (const list of collected.values()) {
          const point = averagePoints(list);
          results.points.push(point);
          log(
            `${scenarioName.padEnd(12)} ${point.server.padEnd(8)} c=${String(point.connections).padEnd(3)} ${Math.round(point.requestsPerSecond).toString().padStart(6)} req/s  p50 ${point.p50} ms  p99 ${point.p99} ms  errors ${point.errors}  cpu ${point.cpuMsPerRequest?.toFixed(2) ?? '?'} ms/req`,
          );
        }
      }
    }

    log('counting SQL statements per request on the wire');
    results.statements = await countStatements(url, options, dataset, settings.countedRequests);

    const targets = checkTargets(results);
    writeFileSync(path.join(options.resultsDir, 'latest.md'), renderMarkdown(results, targets));
    writeFileSync(path.join(options.resultsDir, 'latest.svg'), renderChart(results));
    writeFileSync(
      path.join(options.resultsDir, 'latest.json'),
      `${JSON.stringify(results, null, 2)}\n`,
    );
    return { results, targets };
  } finally {
    await Promise.allSettled(started.map((server) => server.stop()));
    await withAdminClient(options.serverUrl, (client) =>
      client.query(`drop database if exists "${name}" with (force)`),
    );
  }
}

async function startServers(
  url: string,
  options: BenchOptions,
  started: Array<{ stop(): Promise<unknown> }>,
): Promise<Servers> {
  const trellis = await launchTrellis({
    databaseUrl: url,
    port: await findFreePort(),
    metricsPort: await findFreePort(),
    build: options.trellisBuild,
    node: options.node,
    logFile: path.join(options.resultsDir, 'trellis.log'),
    // BENCH_CPU_PROF=<folder>: Trellis writes a V8 CPU profile there when it stops (flame graph).
    nodeFlags: process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
      : [],
  });
  started.push(trellis);
  const unprepared = await launchTrellis({
    databaseUrl: url,
    port: await findFreePort(),
    metricsPort: await findFreePort(),
    build: options.trellisBuild,
    node: options.node,
    logFile: path.join(options.resultsDir, 'trellis-unprepared.log'),
    env: { DATABASE_PREPARED_STATEMENTS: 'false' },
  });
  started.push(unprepared);
  let before: RunningTrellis | undefined;
  if (options.beforeApiDir) {
    before = await launchTrellis({
      databaseUrl: url,
      port: await findFreePort(),
      metricsPort: await findFreePort(),
      build: 'dist',
      node: options.node,
      apiDir: options.beforeApiDir,
      logFile: path.join(options.resultsDir, 'trellis-before.log'),
    });
    started.push(before);
  }
  const references = new Map<ReferenceName, RunningReference>();
  for (const reference of ['baseline', 'peer', 'ceiling'] as const) {
    const running = await launchReference(reference, { databaseUrl: url, node: options.node });
    started.push(running);
    references.set(reference, running);
  }
  const baselineTx = await launchReference('baseline', {
    databaseUrl: url,
    node: options.node,
    env: { BASELINE_TRANSACTION: '1' },
  });
  started.push(baselineTx);
  return { trellis, unprepared, before, references, baselineTx };
}

function nodeVersion(node: string | undefined): string {
  if (!node) return process.versions.node;
  return execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
}

function averagePoints(points: ResultPoint[]): ResultPoint {
  const mean = (pick: (point: ResultPoint) => number) =>
    points.reduce((sum, point) => sum + pick(point), 0) / points.length;
  return {
    ...points[0]!,
    requestsPerSecond: mean((point) => point.requestsPerSecond),
    p50: Math.round(mean((point) => point.p50) * 10) / 10,
    p99: Math.round(mean((point) => point.p99) * 10) / 10,
    max: Math.max(...points.map((point) => point.max)),
    errors: points.reduce((sum, point) => sum + point.errors, 0),
    total: points.reduce((sum, point) => sum + point.total, 0),
    cpuMsPerRequest: points.every((point) => point.cpuMsPerRequest !== undefined)
      ? mean((point) => point.cpuMsPerRequest!)
      : undefined,
    runs: points.length,
    runRequestsPerSecond: points.flatMap((point) => point.runRequestsPerSecond),
  };
}

/** Polls Trellis's /metrics while it serves 256 connections: pool use and event-loop lag. */
function sampleCrowd(metricsOrigin: string, scenario: string): { stop(): Promise<CrowdSample> } {
  const used: number[] = [];
  let pendingMax = 0;
  let lagMax = 0;
  let running = true;
  const read = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 'NaN');
  const loop = (async () => {
    while (running) {
      try {
        const text = await (await fetch(`${metricsOrigin}/metrics`)).text();
        const inUse = read(text, /^trellis_db_pool_connections\{state="used"\} (\S+)$/m);
        if (Number.isFinite(inUse)) used.push(inUse);
        pendingMax = Math.max(
          pendingMax,
          read(text, /^trellis_db_pool_pending_acquires (\S+)$/m) || 0,
        );
        lagMax = Math.max(
          lagMax,
          (read(text, /^nodejs_eventloop_lag_p99_seconds (\S+)$/m) || 0) * 1000,
        );
      } catch {
        // A missed sample is not a result.
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return {
        scenario,
        poolUsedMax: Math.max(0, ...used),
        poolUsedMean: used.length ? used.reduce((a, b) => a + b, 0) / used.length : 0,
        pendingAcquiresMax: pendingMax,
        eventLoopLagP99MaxMs: lagMax,
        samples: used.length,
      };
    },
  };
}

/**
 * Each server again, this time behind a wire-counting proxy: a few warm-up requests, then
 * `requests` sequential ones per read scenario; statements, control statements and round trips
 * per request, and Trellis's own Server-Timing count beside them.
 */
async function countStatements(
  url: string,
  options: BenchOptions,
  dataset: Dataset,
  requests: number,
): Promise<StatementCount[]> {
  const target = new URL(url);
  const counter = await WireCounter.start(target.hostname, Number(target.port || 5432));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(counter.port);
  const counts: StatementCount[] = [];
  const stoppable: Array<{ stop(): Promise<unknown> }> = [];
  try {
    const trellis = await launchTrellis({
      databaseUrl: proxied.toString(),
      port: await findFreePort(),
      metricsPort: await findFreePort(),
      build: options.trellisBuild,
      node: options.node,
      logFile: path.join(options.resultsDir, 'trellis-counting.log'),
    });
    stoppable.push(trellis);
    const servers: Array<['trellis' | ReferenceName, string]> = [['trellis', trellis.origin]];
    for (const reference of ['baseline', 'peer'] as const) {
      const running = await launchReference(reference, {
        databaseUrl: proxied.toString(),
        node: options.node,
      });
      stoppable.push(running);
      servers.push([reference, running.origin]);
    }
    for (const [server, origin] of servers) {
      const scenarios: ScenarioName[] =
        server === 'trellis'
          ? ['auth.me', 'tasks.get', 'tasks.list', 'tasks.create']
          : REFERENCE_SCENARIOS[server];
      for (const scenarioName of scenarios) {
        const scenario = buildScenario(scenarioName, dataset);
        const send = async () => {
          const spec = scenario.next();
          const response = await fetch(`${origin}${spec.path}`, {
            method: spec.method,
            headers: spec.headers,
            ...(spec.body ? { body: spec.body } : {}),
          });
          await response.arrayBuffer();
          if (!response.ok)
            throw new Error(`${server} ${scenarioName} answered ${response.status}`);
          return Number(
            /desc="(\d+) queries"/.exec(response.headers.get('server-timing') ?? '')?.[1] ?? 'NaN',
          );
        };
        for (let warm = 0; warm < 3; warm += 1) await send();
        counter.reset();
        let timed = 0;
        for (let index = 0; index < requests; index += 1) timed += await send();
        counts.push({
          server,
          scenario: scenarioName,
          statements: counter.counts.statements / requests,
          control: counter.counts.control / requests,
          roundTrips: counter.counts.roundTrips / requests,
          ...(server === 'trellis' ? { serverTiming: timed / requests } : {}),
        });
      }
    }
  } finally {
    await Promise.allSettled(stoppable.map((server) => server.stop()));
    await counter.stop();
  }
  return counts;
}

const USAGE = 'use pnpm bench [--quick | --growth] [--only <scenario>[,<scenario>…]]';

/** The command line: `pnpm bench [--quick | --growth] [--only auth.me,tasks.get]`. */
async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--');
  const onlyAt = args.indexOf('--only');
  const only =
    onlyAt === -1 ? undefined : (args.splice(onlyAt, 2)[1] ?? '').split(',').filter(Boolean);
  const scenarios: string[] = [...TRELLIS_SCENARIOS, 'noop'];
  const unknown = [
    ...args.filter((arg) => !['--quick', '--growth'].includes(arg)),
    ...(only?.length === 0 ? ['--only without a scenario'] : []),
    ...(only ?? []).filter((name) => !scenarios.includes(name)).map((name) => `--only ${name}`),
  ];
  if (unknown.length > 0) {
    process.stderr.write(`unknown option ${unknown.join(', ')}: ${USAGE}\n`);
    process.exit(2);
  }
  // A partial run is for profiling: it keeps bench/results/ as the last full or quick run left it.
  const resultsDir = only
    ? path.join(os.tmpdir(), 'trellis-bench-only')
    : fileURLToPath(new URL('../../results/', import.meta.url));
  if (args.includes('--growth')) {
    // The growth study (1M against 20k tasks) is its own program: bench/src/growth/run.ts.
    const growth = spawn(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        '--conditions=development',
        fileURLToPath(new URL('../growth/run.ts', import.meta.url)),
      ],
      { stdio: 'inherit', cwd: fileURLToPath(new URL('../../', import.meta.url)) },
    );
    const [code] = (await once(growth, 'exit')) as [number | null];
    process.exit(code ?? 1);
  }
  const server = await benchServer();
  try {
    const { targets } = await runBench({
      mode: args.includes('--quick') ? 'quick' : 'full',
      serverUrl: server.serverUrl,
      trellisBuild: 'dist',
      ...(process.env.BENCH_NODE ? { node: process.env.BENCH_NODE } : {}),
      ...(process.env.BENCH_BEFORE_API
        ? { beforeApiDir: path.resolve(process.env.BENCH_BEFORE_API) }
        : {}),
      resultsDir,
      ...(only ? { only: only as ScenarioName[] } : {}),
    });
    process.stdout.write(`\n${renderTargetsTable(targets)}\nResults: ${resultsDir}\n`);
    process.exitCode = targets.some((target) => target.met === false) ? 1 : 0;
  } finally {
    await server.stop();
  }
}

function renderTargetsTable(targets: TargetCheck[]): string {
  return targets
    .map(
      (target) =>
        `${target.met === true ? 'met    ' : target.met === false ? 'MISSED ' : 'n/a    '} ${target.target}: ${target.measured}`,
    )
    .join('\n');
}

/** BENCH_DATABASE_URL (a server to create the bench database on), or the embedded server. */
async function benchServer(): Promise<{ serverUrl: string; stop(): Promise<void> }> {
  if (process.env.BENCH_DATABASE_URL) {
    return { serverUrl: process.env.BENCH_DATABASE_URL, stop: async () => undefined };
  }
  const { dataDirectory, startEmbeddedServer } = await import('@trellis/db/embedded');
  const server = await startEmbeddedServer({ dataDir: path.join(dataDirectory(), 'bench') });
  return { serverUrl: server.url, stop: () => server.stop() };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `pnpm bench failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

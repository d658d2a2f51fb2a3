import type { BenchResults, ResultPoint, ServerName } from './results';
import type { TargetCheck } from './targets';

const SERVER_LABEL: Record<ServerName, string> = {
  trellis: 'Trellis',
  'trellis-unprepared': 'Trellis without prepared statements (DATABASE_PREPARED_STATEMENTS=false)',
  before: 'Trellis before (BENCH_BEFORE_API)',
  baseline: 'hand-written (node:http + pg)',
  'baseline-tx': 'hand-written + one transaction per request',
  peer: 'Drizzle peer (tRPC + Fastify + Drizzle)',
  ceiling: 'tRPC ceiling (no-op query)',
};

const round = (value: number) => Math.round(value).toLocaleString('en-US');

function ratioCell(point: ResultPoint, results: BenchResults): string {
  const reference =
    point.scenario === 'noop' || point.server === 'baseline'
      ? undefined
      : results.points.find(
          (other) =>
            other.server === 'baseline' &&
            other.scenario === point.scenario &&
            other.connections === point.connections,
        );
  return reference
    ? `${Math.round((point.requestsPerSecond / reference.requestsPerSecond) * 100)}%`
    : '';
}

/** bench/results/latest.md: the machine, the dataset, every point, statements, targets. */
/** How many runs a point at 64 and 256 connections averages, as a clause of the Load sentence. */
function averagedRuns(results: BenchResults): string {
  const runs = Math.max(1, ...results.points.map((point) => point.runs));
  return runs > 1
    ? ` (at 64 and 256 connections, the mean of ${runs} runs alternating between the servers)`
    : '';
}

export function renderMarkdown(
  results: BenchResults,
  targets: TargetCheck[],
  chartFile = 'latest.svg',
): string {
  const lines: string[] = [];
  const { machine, dataset } = results;
  lines.push(`# Benchmark results (${results.mode} run, ${results.startedAt})`, '');
  lines.push(
    `Machine: ${machine.cores} × ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.platform}; Node ${machine.node}; ${machine.postgres}.`,
    `Dataset: ${dataset.tasks.toLocaleString('en-US')} tasks and ${dataset.comments.toLocaleString('en-US')} comments in ${dataset.projects} projects of ${dataset.workspaces} workspaces. ` +
      `Load: autocannon, keep-alive, one request in flight per connection, each point measured for ${results.secondsPerPoint} s right after a warm-up on the same connections${averagedRuns(results)}. ` +
      'Every server runs as its own process on the same database with a pool of 10; the load generator is another process.',
    '',
  );
  if (results.before)
    lines.push(`"Trellis before" rows: the API built from ${results.before}.`, '');
  lines.push('## Targets', '', '| target | measured | met |', '|---|---|---|');
  for (const check of targets) {
    lines.push(
      `| ${check.target} | ${check.measured} | ${check.met === true ? 'yes' : check.met === false ? '**no**' : 'not measured'} |`,
    );
  }
  lines.push('', '## Throughput and latency', '');
  lines.push(
    '| scenario | server | connections | req/s | share of hand-written | p50 ms | p99 ms | max ms | errors | server CPU ms/request |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|');
  const sorted = [...results.points].sort(
    (a, b) =>
      a.scenario.localeCompare(b.scenario) ||
      a.connections - b.connections ||
      a.server.localeCompare(b.server),
  );
  for (const point of sorted) {
    lines.push(
      `| ${point.scenario} | ${SERVER_LABEL[point.server]} | ${point.connections} | ${round(point.requestsPerSecond)} | ${ratioCell(point, results)} | ${point.p50} | ${point.p99} | ${point.max} | ${point.errors} | ${point.cpuMsPerRequest?.toFixed(2) ?? ''} |`,
    );
  }
  if (results.statements.length > 0) {
    lines.push(
      '',
      '## SQL per request',
      '',
      'Counted on the wire by a proxy between each server and PostgreSQL (sequential requests, averaged). ' +
        'Control statements (BEGIN, COMMIT, SET) are counted apart; a round trip is one simple query or one extended-protocol Sync.',
      '',
      '| scenario | server | statements | control | round trips | Server-Timing queries |',
      '|---|---|---|---|---|---|',
    );
    for (const count of results.statements) {
      lines.push(
        `| ${count.scenario} | ${SERVER_LABEL[count.server]} | ${count.statements.toFixed(1)} | ${count.control.toFixed(1)} | ${count.roundTrips.toFixed(1)} | ${count.serverTiming?.toFixed(1) ?? ''} |`,
      );
    }
  }
  if (results.crowd.length > 0) {
    lines.push(
      '',
      '## Trellis at 256 connections (pool of 10)',
      '',
      'Sampled from its /metrics every 250 ms during the run.',
      '',
      '| scenario | pool in use (mean / max) | pending acquires (max) | event-loop lag p99 (max) | samples |',
      '|---|---|---|---|---|',
    );
    for (const crowd of results.crowd) {
      lines.push(
        `| ${crowd.scenario} | ${crowd.poolUsedMean.toFixed(1)} / ${crowd.poolUsedMax} | ${crowd.pendingAcquiresMax} | ${crowd.eventLoopLagP99MaxMs.toFixed(1)} ms | ${crowd.samples} |`,
      );
    }
  }
  lines.push('', `![throughput against concurrency](${chartFile})`, '');
  return lines.join('\n');
}

const COLORS: Record<ServerName, string> = {
  trellis: '#2563eb',
  'trellis-unprepared': '#60a5fa',
  before: '#93c5fd',
  baseline: '#111827',
  'baseline-tx': '#6b7280',
  peer: '#dc2626',
  ceiling: '#9ca3af',
};

/** bench/results/latest.svg: requests/s against connections, one panel per read procedure. */
export function renderChart(results: BenchResults): string {
  const panels = ['auth.me', 'tasks.get', 'tasks.list'];
  const width = 300;
  const height = 220;
  const margin = { left: 55, right: 10, top: 30, bottom: 35 };
  const concurrencies = [...new Set(results.points.map((point) => point.connections))].sort(
    (a, b) => a - b,
  );
  const parts: string[] = [];
  panels.forEach((scenario, index) => {
    const ox = index * width;
    const series = (['baseline', 'peer', 'before', 'trellis', 'ceiling'] as const).map(
      (server) => ({
        server,
        points: results.points
          .filter(
            (point) =>
              point.server === server &&
              (point.scenario === scenario ||
                (server === 'ceiling' && scenario === 'auth.me' && point.scenario === 'noop')),
          )
          .sort((a, b) => a.connections - b.connections),
      }),
    );
    const top =
      Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.requestsPerSecond))) * 1.1;
    const x = (connections: number) =>
      ox +
      margin.left +
      (concurrencies.length <= 1
        ? 0.5
        : concurrencies.indexOf(connections) / (concurrencies.length - 1)) *
        (width - margin.left - margin.right);
    const y = (rps: number) => margin.top + (1 - rps / top) * (height - margin.top - margin.bottom);
    parts.push(
      `<text x="${ox + width / 2}" y="18" text-anchor="middle" font-weight="bold">${scenario}</text>`,
      `<line x1="${ox + margin.left}" y1="${y(0)}" x2="${ox + width - margin.right}" y2="${y(0)}" stroke="#888"/>`,
      `<line x1="${ox + margin.left}" y1="${margin.top}" x2="${ox + margin.left}" y2="${y(0)}" stroke="#888"/>`,
      `<text x="${ox + margin.left - 4}" y="${margin.top + 4}" text-anchor="end" font-size="10">${round(top)}</text>`,
      `<text x="${ox + margin.left - 4}" y="${y(0)}" text-anchor="end" font-size="10">0</text>`,
    );
    for (const connections of concurrencies) {
      parts.push(
        `<text x="${x(connections)}" y="${height - 18}" text-anchor="middle" font-size="10">${connections}</text>`,
      );
    }
    parts.push(
      `<text x="${ox + width / 2}" y="${height - 4}" text-anchor="middle" font-size="10">connections</text>`,
    );
    for (const { server, points } of series) {
      if (points.length === 0) continue;
      const path = points
        .map((point) => `${x(point.connections)},${y(point.requestsPerSecond)}`)
        .join(' ');
      parts.push(
        `<polyline fill="none" stroke="${COLORS[server]}" stroke-width="2" points="${path}"/>`,
      );
      for (const point of points) {
        parts.push(
          `<circle cx="${x(point.connections)}" cy="${y(point.requestsPerSecond)}" r="2.5" fill="${COLORS[server]}"/>`,
        );
      }
    }
  });
  const legend = (['trellis', 'baseline', 'peer', 'ceiling'] as const).map(
    (server, index) =>
      `<rect x="${10 + index * 225}" y="${height + 4}" width="10" height="10" fill="${COLORS[server]}"/>` +
      `<text x="${24 + index * 225}" y="${height + 13}" font-size="11">${SERVER_LABEL[server]}</text>`,
  );
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width * panels.length}" height="${height + 24}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/>${parts.join('')}${legend.join('')}</svg>\n`
  );
}

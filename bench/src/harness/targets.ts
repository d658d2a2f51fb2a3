import type { BenchResults, ResultPoint } from './results';

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | 'not measured';
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : undefined;
// One decimal: a ratio of 84.7% against a floor of 85% must not read "85%, no".
const pct = (value: number | undefined) =>
  value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`;
const times = (value: number | undefined) => (value === undefined ? 'n/a' : `${value.toFixed(2)}x`);

const whole = (value: number) => Math.round(value).toLocaleString('en-US');

/** Each run's figure behind two averaged points (`(runs 4,070, 4,310 / 5,197, 5,020 req/s)`). */
function spread(crowded: ResultPoint, base: ResultPoint): string {
  if (crowded.runs < 2 && base.runs < 2) return '';
  const runs = (point: ResultPoint) => point.runRequestsPerSecond.map(whole).join(', ');
  return ` (runs ${runs(crowded)} / ${runs(base)} req/s)`;
}

/** Issue 10, Part 2: every target, from the figures of this run (64 connections unless named). */
export function checkTargets(results: BenchResults): TargetCheck[] {
  const at = (server: string, scenario: string, connections = 64) =>
    results.points.find(
      (point) =>
        point.server === server && point.scenario === scenario && point.connections === connections,
    );
  const rps = (server: string, scenario: string, connections = 64) =>
    at(server, scenario, connections)?.requestsPerSecond;
  const checks: TargetCheck[] = [];
  const check = (
    target: string,
    value: number | undefined,
    format: (v?: number) => string,
    min: number,
  ) =>
    checks.push({
      target,
      measured: format(value),
      met: value === undefined ? 'not measured' : value >= min,
    });

  for (const scenario of ['auth.me', 'tasks.get', 'tasks.list']) {
    const minimum = scenario === 'auth.me' ? 1 : 1.3;
    check(
      `${scenario}: Trellis / Drizzle peer >= ${minimum}x`,
      ratio(rps('trellis', scenario), rps('peer', scenario)),
      times,
      minimum,
    );
  }
  check(
    'tasks.list: Trellis >= 50% of hand-written',
    ratio(rps('trellis', 'tasks.list'), rps('baseline', 'tasks.list')),
    pct,
    0.5,
  );
  check(
    'tasks.get: Trellis >= 40% of hand-written',
    ratio(rps('trellis', 'tasks.get'), rps('baseline', 'tasks.get')),
    pct,
    0.4,
  );
  check(
    'auth.me: Trellis >= 50% of the no-op tRPC ceiling',
    ratio(rps('trellis', 'auth.me'), rps('ceiling', 'noop')),
    pct,
    0.5,
  );
  for (const scenario of results.trellisScenarios) {
    const point = at('trellis', scenario);
    checks.push({
      target: `${scenario}: p99 <= 3x p50`,
      measured: point ? `${point.p99} / ${point.p50} ms` : 'n/a',
      met: point ? point.p99 <= 3 * Math.max(point.p50, 1) : 'not measured',
    });
    const crowded = at('trellis', scenario, 256);
    checks.push({
      target: `${scenario}: 256 connections, no errors, within 15% of 64`,
      measured:
        crowded && point
          ? `${crowded.errors} errors, ${pct(crowded.requestsPerSecond / point.requestsPerSecond)}${spread(crowded, point)}`
          : 'n/a',
      met:
        crowded && point
          ? crowded.errors === 0 && crowded.requestsPerSecond >= 0.85 * point.requestsPerSecond
          : 'not measured',
    });
  }
  return checks;
}

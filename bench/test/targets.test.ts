import { describe, expect, it } from 'vitest';
import type { BenchResults, ResultPoint } from '../src/harness/results';
import { renderMarkdown } from '../src/harness/report';
import { checkTargets } from '../src/harness/targets';

/** A point as the harness averages it: the mean of its runs, each run's figure kept. */
function point(connections: number, runs: number[]): ResultPoint {
  return {
    server: 'trellis',
    scenario: 'auth.me',
    connections,
    requestsPerSecond: runs.reduce((sum, value) => sum + value, 0) / runs.length,
    p50: 10,
    p99: 20,
    max: 30,
    errors: 0,
    total: 1_000,
    runs: runs.length,
    runRequestsPerSecond: runs,
  };
}

function results(points: ResultPoint[]): BenchResults {
  return {
    mode: 'full',
    startedAt: '2026-12-07T00:00:00.000Z',
    machine: {
      cpus: 'CPU',
      cores: 2,
      memoryGiB: 24,
      node: '20',
      postgres: 'PostgreSQL 15',
      platform: 'Linux',
    },
    dataset: { tasks: 100_000, projects: 20, workspaces: 4, comments: 200_000 },
    secondsPerPoint: 6,
    trellisScenarios: ['auth.me'],
    points,
    statements: [],
    crowd: [],
  };
}

const crowdedCheck = (checks: ReturnType<typeof checkTargets>) =>
  checks.find((check) => check.target.startsWith('auth.me: 256 connections'));

describe('the 256-connection target', () => {
  it('compares the mean of the 256 runs with the mean of the 64 runs and shows each run', () => {
    const checks = checkTargets(results([point(64, [5_000, 5_400]), point(256, [4_000, 4_900])]));
    expect(crowdedCheck(checks)).toEqual({
      target: 'auth.me: 256 connections, no errors, within 15% of 64',
      measured: '0 errors, 85.6% (runs 4,000, 4,900 / 5,000, 5,400 req/s)',
      met: true,
    });
  });

  it('is missed below 85%, even where a whole percent would round up to it', () => {
    const checks = checkTargets(results([point(64, [6_480]), point(256, [5_490])]));
    expect(crowdedCheck(checks)).toMatchObject({ measured: '0 errors, 84.7%', met: false });
  });

  it('is missed below 85%, and a single run shows no spread', () => {
    const checks = checkTargets(results([point(64, [5_000]), point(256, [4_000])]));
    expect(crowdedCheck(checks)).toMatchObject({ measured: '0 errors, 80.0%', met: false });
  });

  it('says in the report how many runs a point averages', () => {
    const averaged = results([point(64, [5_000, 5_400]), point(256, [4_000, 4_900])]);
    expect(renderMarkdown(averaged, checkTargets(averaged))).toContain(
      'at 64 and 256 connections, the mean of 2 runs alternating between the servers',
    );
  });
});

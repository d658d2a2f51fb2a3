import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject, describe, expect, it } from 'vitest';
import { runBench } from '../src/harness/run';

/**
 * Runs the whole harness for a second per point on a tiny dataset, so that `pnpm bench` cannot
 * rot: seeding, every server, every scenario, the wire count and the report. The figures
 * themselves are never asserted (they belong to the benchmark, not to tests).
 */
describe('pnpm bench harness', () => {
  it('runs every scenario against Trellis and the references and writes the report', async () => {
    const { adminUrl } = inject('trellisTestServer');
    const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-'));
    try {
      const { results, targets } = await runBench({
        mode: 'smoke',
        serverUrl: adminUrl,
        trellisBuild: 'source',
        resultsDir,
        log: () => undefined,
      });
      const scenarios = (server: string) =>
        results.points.filter((point) => point.server === server).map((point) => point.scenario);
      expect(scenarios('trellis').sort()).toEqual([
        'auth.me',
        'mix',
        'tasks.create',
        'tasks.get',
        'tasks.list',
      ]);
      expect(scenarios('baseline').sort()).toEqual(['auth.me', 'tasks.get', 'tasks.list']);
      expect(scenarios('peer').sort()).toEqual(['auth.me', 'tasks.get', 'tasks.list']);
      expect(scenarios('ceiling')).toEqual(['noop']);
      expect(scenarios('baseline-tx').sort()).toEqual(['auth.me', 'tasks.get', 'tasks.list']);
      // The price of prepared statements: the same reads from Trellis with them off.
      expect(scenarios('trellis-unprepared').sort()).toEqual([
        'auth.me',
        'tasks.get',
        'tasks.list',
      ]);
      for (const point of results.points) {
        expect(point.total).toBeGreaterThan(0);
        expect(point.errors, `${point.server} ${point.scenario} answered errors`).toBe(0);
      }
      // The wire count sees Trellis's one BEGIN (with its settings) and one COMMIT per request.
      const me = results.statements.find(
        (count) => count.server === 'trellis' && count.scenario === 'auth.me',
      );
      expect(me).toMatchObject({ statements: 1, control: 2, roundTrips: 3, serverTiming: 1 });
      expect(targets.length).toBeGreaterThan(0);
      const report = readFileSync(path.join(resultsDir, 'latest.md'), 'utf8');
      expect(report).toContain('## Targets');
      expect(readFileSync(path.join(resultsDir, 'latest.svg'), 'utf8')).toMatch(/^<svg/);
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  }, 240_000);

  it('runs only the scenarios it is given (--only)', async () => {
    const { adminUrl } = inject('trellisTestServer');
    const resultsDir = mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-'));
    try {
      const { results } = await runBench({
        mode: 'smoke',
        serverUrl: adminUrl,
        trellisBuild: 'source',
        resultsDir,
        log: () => undefined,
        only: ['auth.me'],
      });
      expect(results.points.length).toBeGreaterThan(0);
      expect(new Set(results.points.map((point) => point.scenario))).toEqual(new Set(['auth.me']));
    } finally {
      rmSync(resultsDir, { recursive: true, force: true });
    }
  }, 240_000);
});

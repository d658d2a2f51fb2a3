import { describe, expect, it } from 'vitest';
import { concurrencyGroups } from '../src/harness/run';

describe('the order of the points', () => {
  it('measures 64 and 256 connections in turns, twice, and the other concurrencies once each', () => {
    expect(concurrencyGroups({ concurrencies: [1, 16, 64, 256], runsAtTargets: 2 })).toEqual([
      { concurrencies: [1], runs: 1 },
      { concurrencies: [16], runs: 1 },
      { concurrencies: [64, 256], runs: 2 },
    ]);
  });

  it('keeps a quick run (64 connections only) and a smoke run (2) to one group each', () => {
    expect(concurrencyGroups({ concurrencies: [64], runsAtTargets: 1 })).toEqual([
      { concurrencies: [64], runs: 1 },
    ]);
    expect(concurrencyGroups({ concurrencies: [2], runsAtTargets: 1 })).toEqual([
      { concurrencies: [2], runs: 1 },
    ]);
  });
});

import autocannon from 'autocannon';
import type { Scenario } from './scenarios';

export interface LoadPoint {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Connection errors, timeouts and answers that were not 2xx. */
  errors: number;
  /** Requests answered. */
  total: number;
}

/**
 * `connections` keep-alive connections send `scenario` requests for `seconds` (autocannon,
 * one request in flight per connection).
 */
export async function runLoad(
  origin: string,
  scenario: Scenario,
  connections: number,
  seconds: number,
): Promise<LoadPoint> {
  const result = await autocannon({
    url: origin,
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
    requests: [{ setupRequest: (request) => ({ ...request, ...scenario.next() }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

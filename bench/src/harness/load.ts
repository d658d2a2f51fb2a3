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

export interface LoadOptions {
  connections: number;
  /** The measured window. */
  seconds: number;
  /** Load before the window, on the same connections; nothing of it is counted. */
  warmupSeconds: number;
  /** Called as the window opens (to read the server's CPU time, start sampling its metrics). */
  onMeasuring?: () => void;
}

/**
 * `connections` keep-alive connections send `scenario` requests (autocannon, one request in
 * flight per connection) for the warm-up and then the measured window, without a break.
 *
 * The warm-up is not a run of its own: a run that ends drops its connections with a request in
 * flight on each, and a run that starts then opens as many new ones while the server is still
 * answering those. A busy Node.js server accepts about one new connection per turn of its event
 * loop, so the first requests of the new run waited for dozens of turns: at 64 connections they
 * were the slowest 4% of the run, 5x the median, for the hand-written server as for Trellis, and
 * they made the run's p99 (the README's Performance section). Clients of an API keep their
 * connections; so does the measured window.
 */
export function runLoad(
  origin: string,
  scenario: Scenario,
  { connections, seconds, warmupSeconds, onMeasuring }: LoadOptions,
): Promise<LoadPoint> {
  const latencies: number[] = [];
  let errors = 0;
  let measuring = false;
  let openedAt = 0;
  return new Promise<LoadPoint>((resolve, reject) => {
    const open = () => {
      measuring = true;
      openedAt = performance.now();
      onMeasuring?.();
    };
    const instance = autocannon(
      {
        url: origin,
        connections,
        duration: warmupSeconds + seconds,
        pipelining: 1,
        timeout: 10,
        requests: [{ setupRequest: (request) => ({ ...request, ...scenario.next() }) }],
      },
      (error) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const elapsedSeconds = (performance.now() - openedAt) / 1000;
        resolve(summarise(latencies, errors, measuring ? elapsedSeconds : 0));
      },
    );
    // autocannon's clock starts at its 'start' event; the window opens warmupSeconds after.
    instance.once('start', () => {
      if (warmupSeconds > 0) setTimeout(open, warmupSeconds * 1000);
      else open();
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, ms: number) => {
      if (!measuring) return;
      latencies.push(ms);
      if (statusCode < 200 || statusCode >= 300) errors += 1;
    });
    instance.on('reqError', () => {
      if (measuring) errors += 1;
    });
  });
}

/** Nearest-rank percentiles, in milliseconds to a tenth. */
function summarise(latencies: number[], errors: number, seconds: number): LoadPoint {
  const sorted = latencies.sort((a, b) => a - b);
  const at = (quantile: number) =>
    sorted.length === 0
      ? 0
      : Math.round(
          sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]! * 10,
        ) / 10;
  return {
    requestsPerSecond: seconds > 0 ? sorted.length / seconds : 0,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    errors,
    total: sorted.length,
  };
}

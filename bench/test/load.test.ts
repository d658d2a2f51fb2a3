import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../src/harness/load';
import type { Scenario } from '../src/harness/scenarios';

/**
 * The measured window opens on the warm-up's connections: a run that opened new ones right
 * after the warm-up dropped its own measured its first requests waiting to be accepted (the
 * README's Performance section). The server here counts connections and answers, some of them
 * with a 500, so what the window counts can be checked against what was sent.
 */
let server: Server;
let origin = '';
let connectionsOpened = 0;
let answered = 0;

beforeAll(async () => {
  server = createServer((request, response) => {
    answered += 1;
    response.statusCode = request.url === '/fail' ? 500 : 200;
    response.end('{}');
  });
  server.on('connection', () => {
    connectionsOpened += 1;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

const sending = (path: () => string): Scenario => ({
  name: 'noop',
  summary: 'test',
  next: () => ({ method: 'GET', path: path(), headers: {} }),
});

describe('runLoad', () => {
  it('measures after the warm-up on the same connections, and counts only the window', async () => {
    connectionsOpened = 0;
    answered = 0;
    let measuringAt = 0;
    let answeredAtOpen = 0;
    const point = await runLoad(
      origin,
      sending(() => '/ok'),
      {
        connections: 4,
        seconds: 0.5,
        warmupSeconds: 0.5,
        onMeasuring: () => {
          measuringAt = performance.now();
          answeredAtOpen = answered;
        },
      },
    );
    expect(measuringAt).toBeGreaterThan(0);
    expect(connectionsOpened).toBe(4);
    expect(answeredAtOpen).toBeGreaterThan(0);
    // The window's answers, give or take the requests in flight as it opened and closed.
    expect(Math.abs(point.total - (answered - answeredAtOpen))).toBeLessThanOrEqual(8);
    // Per second of the window as it ran (autocannon stops on its own clock, about on time).
    expect(point.requestsPerSecond / (point.total / 0.5)).toBeGreaterThan(0.8);
    expect(point.requestsPerSecond / (point.total / 0.5)).toBeLessThan(1.25);
    expect(point.errors).toBe(0);
    expect(point.p50).toBeLessThanOrEqual(point.p99);
    expect(point.p99).toBeLessThanOrEqual(point.max);
  });

  it('counts answers that are not 2xx as errors', async () => {
    let sent = 0;
    const point = await runLoad(
      origin,
      sending(() => (++sent % 2 === 0 ? '/fail' : '/ok')),
      { connections: 2, seconds: 0.3, warmupSeconds: 0 },
    );
    expect(point.total).toBeGreaterThan(10);
    expect(point.errors).toBeGreaterThan(point.total / 4);
    expect(point.errors).toBeLessThan((point.total * 3) / 4);
  });
});

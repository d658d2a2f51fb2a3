import { describe, expect, it } from 'vitest';
import { readApiConfig } from '../src/config';
import { codeOf, fetchMetrics, TEST_METRICS_TOKEN, useApi } from './harness';

const api = useApi();
const withoutMetrics = useApi({ METRICS_ENABLED: false });
const separatePort = useApi({ METRICS_PORT: 0 });
// What an operator gets who sets nothing: neither METRICS_PORT nor METRICS_TOKEN.
const byDefault = useApi({ METRICS_TOKEN: undefined });

/** The value of one sample line (`name{labels} value`), or undefined when the line is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(origin: string): Promise<string> {
  const response = await fetchMetrics(origin);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('GET /metrics', () => {
  it('has procedure latency by procedure, type and code, and database query counters', async () => {
    expect(await codeOf(api.client().auth.me.query())).toBe('UNAUTHORIZED');
    expect(await codeOf(api.client().auth.me.query())).toBe('UNAUTHORIZED');
    const { token } = await api.client().auth.signUp.mutate({
      email: 'metered@example.com',
      password: 'long enough password',
      name: 'M',
    });
    await api.client(token).auth.me.query();

    const text = await scrape(api.origin);
    expect(text).toContain('# TYPE trellis_procedure_duration_seconds histogram');
    expect(
      sample(
        text,
        'trellis_procedure_duration_seconds_count{procedure="auth.me",type="query",code="UNAUTHORIZED"}',
      ),
    ).toBe(2);
    expect(
      sample(
        text,
        'trellis_procedure_duration_seconds_count{procedure="auth.me",type="query",code="OK"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'trellis_procedure_duration_seconds_count{procedure="auth.signUp",type="mutation",code="OK"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'trellis_procedure_duration_seconds_bucket{le="+Inf",procedure="auth.me",type="query",code="OK"}',
      ),
    ).toBe(1);
    // auth.me with a token is the token lookup; sign-up runs a few more.
    expect(sample(text, 'trellis_db_queries_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'trellis_db_query_duration_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'trellis_request_db_queries_count')).toBeGreaterThanOrEqual(4);
  });

  it('has pool connections in use and free, pending acquires and pool size, read live', async () => {
    let release!: () => void;
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const holder = api.db.transaction(async (session) => {
      await session.raw('select 1');
      entered();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await inside;
    try {
      const busy = await scrape(api.origin);
      expect(sample(busy, 'trellis_db_pool_connections{state="used"}')).toBe(1);
      expect(sample(busy, 'trellis_db_pool_connections{state="free"}')).toBeGreaterThanOrEqual(0);
      expect(sample(busy, 'trellis_db_pool_size')).toBeGreaterThanOrEqual(1);
      expect(sample(busy, 'trellis_db_pool_max')).toBe(10);
      expect(sample(busy, 'trellis_db_pool_pending_acquires')).toBe(0);
      expect(sample(busy, 'trellis_db_pool_oldest_acquire_wait_seconds')).toBe(0);
    } finally {
      release();
      await holder;
    }
    const idle = await scrape(api.origin);
    expect(sample(idle, 'trellis_db_pool_connections{state="used"}')).toBe(0);
    expect(sample(idle, 'trellis_db_pool_connections{state="free"}')).toBeGreaterThanOrEqual(1);
  });

  it('has transactions committed, rolled back and retried', async () => {
    const before = await scrape(api.origin);
    const committed = sample(before, 'trellis_db_transactions_total{outcome="committed"}') ?? NaN;
    const rolledBack =
      sample(before, 'trellis_db_transactions_total{outcome="rolled_back"}') ?? NaN;
    const retried = sample(before, 'trellis_db_transactions_total{outcome="retried"}') ?? NaN;
    expect(committed).toBeGreaterThan(0);
    expect(rolledBack).toBeGreaterThan(0); // the UNAUTHORIZED calls rolled their session back

    // A serialization failure on the first attempt: rolled back, retried, then committed.
    let attempts = 0;
    await api.db.transaction(async (session) => {
      attempts += 1;
      if (attempts === 1)
        await session.raw("do $$ begin raise exception using errcode = '40001'; end $$");
    });
    const after = await scrape(api.origin);
    expect(sample(after, 'trellis_db_transactions_total{outcome="committed"}')).toBe(committed + 1);
    expect(sample(after, 'trellis_db_transactions_total{outcome="rolled_back"}')).toBe(
      rolledBack + 1,
    );
    expect(sample(after, 'trellis_db_transactions_total{outcome="retried"}')).toBe(retried + 1);
    expect(sample(after, 'trellis_db_transactions_total{outcome="timed_out"}')).toBe(0);
  });

  it('has event-loop lag, load shedding and the default process metrics', async () => {
    const text = await scrape(api.origin);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(text, 'process_start_time_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE trellis_requests_shed_total counter');
  });

  it('by default /metrics is not served on the API port; with METRICS_TOKEN only to that bearer token', async () => {
    // Nothing configured: the API port has no /metrics, for anyone, token or not.
    expect((await fetch(`${byDefault.origin}/metrics`)).status).toBe(404);
    expect((await fetchMetrics(byDefault.origin)).status).toBe(404);
    expect(byDefault.server.metricsApp).toBeUndefined();

    // METRICS_TOKEN set: a missing or wrong token gets the same 404 as an unknown route.
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong-token-but-long-enough' },
      { authorization: TEST_METRICS_TOKEN },
      { authorization: `Bearer ${TEST_METRICS_TOKEN}x` },
    ]) {
      const refused = await fetch(`${api.origin}/metrics`, { headers });
      expect(refused.status, JSON.stringify(headers)).toBe(404);
      expect(await refused.text()).not.toContain('trellis_');
    }
    expect(await scrape(api.origin)).toContain('trellis_db_pool_max 10');

    // Normal calls are untouched either way.
    expect(await codeOf(byDefault.client().auth.me.query())).toBe('UNAUTHORIZED');
    expect((await fetch(`${byDefault.origin}/healthz`)).status).toBe(200);
  });

  it('METRICS_TOKEN must be long enough to be a secret', () => {
    expect(() => readApiConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(readApiConfig({ METRICS_TOKEN: TEST_METRICS_TOKEN }).METRICS_TOKEN).toBe(
      TEST_METRICS_TOKEN,
    );
  });

  it('METRICS_ENABLED=false removes the route', async () => {
    expect((await fetchMetrics(withoutMetrics.origin)).status).toBe(404);
    expect((await fetch(`${withoutMetrics.origin}/healthz`)).status).toBe(200);
  });

  it('METRICS_PORT serves /metrics on a listener of its own, and not on the API port', async () => {
    expect((await fetch(`${separatePort.origin}/metrics`)).status).toBe(404);
    // Not even with the token: METRICS_PORT wins.
    expect((await fetchMetrics(separatePort.origin)).status).toBe(404);
    const { metricsApp } = separatePort.server;
    if (!metricsApp) throw new Error('buildServer returned no metricsApp with METRICS_PORT set');
    const origin = await metricsApp.listen({ port: 0, host: '127.0.0.1' });
    expect(origin).not.toBe(separatePort.origin);
    await separatePort
      .client()
      .auth.me.query()
      .catch(() => undefined);
    const text = await scrape(origin);
    expect(
      sample(
        text,
        'trellis_procedure_duration_seconds_count{procedure="auth.me",type="query",code="UNAUTHORIZED"}',
      ),
    ).toBe(1);
    expect(sample(text, 'trellis_db_pool_max')).toBe(10);
  });
});

import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/app-router';
import { LIVE_PROCEDURES } from '../src/http/live-streams';

describe('live streams', () => {
  it('serves every subscription of the router (tRPC’s own SSE writer serves none)', () => {
    // _def.procedures is tRPC's internal map of paths; should an upgrade change it, this fails.
    const procedures = appRouter._def.procedures as unknown as Record<
      string,
      { _def: { type: string } }
    >;
    const subscriptions = Object.entries(procedures)
      .filter(([, procedure]) => procedure._def.type === 'subscription')
      .map(([path]) => path);
    expect(subscriptions.length).toBeGreaterThan(0);
    expect([...LIVE_PROCEDURES].sort()).toEqual(subscriptions.sort());
  });
});

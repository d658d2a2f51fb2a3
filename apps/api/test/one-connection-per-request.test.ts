import { QueryStats } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { readApiConfig } from '../src/config';
import { createApiDatabase } from '../src/database/api-database';
import { ApiMetrics } from '../src/http/metrics';
import { SubscriptionSlots } from '../src/live/subscription-slots';
import type { Context } from '../src/trpc/context';
import { KnownTokenOwners } from '../src/trpc/known-token-owners';
import { createCallerFactory, router } from '../src/trpc/init';
import { publicProcedure } from '../src/trpc/procedures';

const database = useTestDatabase();

/**
 * One request, one connection. The API's database layer does not track the session of each
 * call chain (it would hook every promise on Node.js 20), so a db.transaction() inside a
 * procedure would not join the request's transaction: it would take a second connection. The
 * procedure builders therefore leave no Database in reach inside a session.
 */
describe('a procedure inside a session', () => {
  it('has its session and no Database to open a second transaction with', async () => {
    const db = createApiDatabase({ url: database.url, pool: { max: 1, acquireTimeoutMs: 500 } });
    const probe = router({
      look: publicProcedure.query(({ ctx }) => ({
        hasSession: ctx.session.isActive,
        hasDatabase: (ctx as { db?: unknown }).db !== undefined,
        currentSession: db.currentSession(),
      })),
      nest: publicProcedure.query(
        ({ ctx }) =>
          // @ts-expect-error: ctx.db is `never` inside a session; this call must not compile
          ctx.db.read(() => Promise.resolve('a second connection')), // eslint-disable-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-call
      ),
    });
    const ctx: Context = {
      config: readApiConfig({}),
      db,
      log: pino({ level: 'silent' }),
      requestId: 'test',
      token: null,
      clientAddress: '127.0.0.1',
      metrics: new ApiMetrics(db),
      queryStats: new QueryStats(),
      // This probe opens no stream.
      feed: undefined as never,
      subscriptionSlots: new SubscriptionSlots({ perUser: 1, max: 1 }),
      knownTokenOwners: new KnownTokenOwners(),
      dropConnection: () => undefined,
    };
    const caller = createCallerFactory(probe)(ctx);
    try {
      expect(await caller.look()).toEqual({
        hasSession: true,
        hasDatabase: false,
        // Not tracked: nothing could join it anyway.
        currentSession: undefined,
      });
      // At run time too: the call fails at once instead of waiting for a second connection.
      await expect(caller.nest()).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    } finally {
      await db.close();
    }
  });
});

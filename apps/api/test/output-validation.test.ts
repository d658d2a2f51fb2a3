import { QueryStats } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readApiConfig } from '../src/config';
import { SubscriptionSlots } from '../src/live/subscription-slots';
import { ApiMetrics } from '../src/http/metrics';
import type { Context } from '../src/trpc/context';
import { KnownTokenOwners } from '../src/trpc/known-token-owners';
import { createCallerFactory, router } from '../src/trpc/init';
import { publicProcedure } from '../src/trpc/procedures';

const database = useTestDatabase();

/**
 * The procedure builders validate every output: an answer that does not match its schema (a
 * field left undefined, e.g. a relation that was not loaded) is an internal error, never
 * reaches the client as `undefined`, and rolls back the mutation that produced it.
 */
describe('output validation', () => {
  it('fails the call and rolls its transaction back when the output does not match the schema', async () => {
    // A table of the test's own: created by the owner, writable by the runtime role it runs as.
    const owner = database.openAsOwner();
    await owner.knex.raw('create table output_probe (id int)');
    await owner.knex.raw('grant select, insert on output_probe to ??', [
      decodeURIComponent(new URL(database.url).username),
    ]);
    const probe = router({
      write: publicProcedure
        .output(z.object({ id: z.string(), name: z.string() }))
        .mutation(async ({ ctx }) => {
          await ctx.session.raw('insert into output_probe values (1)');
          return { id: 'x' } as { id: string; name: string };
        }),
    });
    const ctx: Context = {
      config: readApiConfig({}),
      db: database.db,
      log: pino({ level: 'silent' }),
      requestId: 'test',
      token: null,
      clientAddress: '127.0.0.1',
      metrics: new ApiMetrics(database.db),
      queryStats: new QueryStats(),
      // This probe opens no stream.
      feed: undefined as never,
      subscriptionSlots: new SubscriptionSlots({ perUser: 1, max: 1 }),
      knownTokenOwners: new KnownTokenOwners(),
      dropConnection: () => undefined,
    };
    const failure = await createCallerFactory(probe)(ctx)
      .write()
      .catch((error: unknown) => error);
    // An internal error (clients only ever see "Internal server error"; see ops-security), whose
    // cause names the field that was missing.
    expect(failure).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect((failure as Error).message).toMatch(/"name"/);
    const { rows } = await database.db.knex.raw<{ rows: unknown[] }>('select * from output_probe');
    expect(rows).toEqual([]);
  });
});

/**
 * The Drizzle peer as a process: Fastify + tRPC (fastifyTRPCPlugin at /trpc) + superjson over
 * drizzle-orm/node-postgres on a pg.Pool of Trellis's default size. See router.ts.
 */
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import { drizzle } from 'drizzle-orm/node-postgres';
import Fastify from 'fastify';
import pg from 'pg';
import { announceReady, readReferenceSettings, REFERENCE_POOL_SIZE } from '../reference-process';
import { createContextFactory, peerRouter } from './router';
import * as schema from './schema';

const settings = readReferenceSettings();
const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: REFERENCE_POOL_SIZE });
pool.on('error', () => {});
const db = drizzle(pool, { schema });

const app = Fastify({ routerOptions: { maxParamLength: 5_000 } });
await app.register(fastifyTRPCPlugin, {
  prefix: '/trpc',
  trpcOptions: { router: peerRouter, createContext: createContextFactory(db) },
});
await app.listen({ port: settings.port, host: settings.host });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : settings.port;
announceReady(settings.host, port, async () => {
  await app.close();
  await pool.end();
});

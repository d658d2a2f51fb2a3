/**
 * The tRPC ceiling: one no-op query `noop` (answers `{ ok: true }`) on the same Fastify + tRPC +
 * superjson stack and versions as Trellis, mounted the same way (fastifyTRPCPlugin at /trpc),
 * and nothing else: no database, no authentication, no hooks. What any procedure on this stack
 * costs at least. DATABASE_URL is accepted like the other references' but not used.
 */
import { initTRPC } from '@trpc/server';
import { fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify from 'fastify';
import superjson from 'superjson';
import { announceReady } from '../reference-process';

const t = initTRPC.create({ transformer: superjson, isDev: false });
const ceilingRouter = t.router({
  noop: t.procedure.query(() => ({ ok: true as const })),
});

const port = Number(process.env.PORT ?? '0');
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`PORT must be a port number (0-65535), got ${process.env.PORT}\n`);
  process.exit(1);
}
const host = process.env.HOST ?? '127.0.0.1';

const app = Fastify({ routerOptions: { maxParamLength: 5_000 } });
await app.register(fastifyTRPCPlugin, { prefix: '/trpc', trpcOptions: { router: ceilingRouter } });
await app.listen({ port, host });
const address = app.server.address();
announceReady(host, typeof address === 'object' && address ? address.port : port, () =>
  app.close(),
);

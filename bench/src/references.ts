import { fileURLToPath } from 'node:url';

/**
 * The reference servers the benchmark serves beside Trellis, in the same run on the same data.
 * Each is a script started as its own process with DATABASE_URL, PORT and HOST; it prints one
 * line `listening http://HOST:PORT` when ready and exits on SIGTERM.
 */
export type ReferenceName = 'baseline' | 'peer' | 'ceiling';

export type Procedure = 'auth.me' | 'tasks.get' | 'tasks.list' | 'noop';

export interface Reference {
  readonly name: ReferenceName;
  /** Absolute path of the server script; run it with `tsx`. */
  readonly script: string;
  /** The tRPC query procedures it answers at GET /trpc/<procedure>. */
  readonly procedures: readonly Procedure[];
  readonly summary: string;
}

function scriptOf(name: ReferenceName): string {
  return fileURLToPath(new URL(`./${name}/server.ts`, import.meta.url));
}

export const references: Readonly<Record<ReferenceName, Reference>> = {
  baseline: {
    name: 'baseline',
    script: scriptOf('baseline'),
    procedures: ['auth.me', 'tasks.get', 'tasks.list'],
    summary: 'hand-written limit: node:http + pg, hand-written SQL, the same answers as Trellis',
  },
  peer: {
    name: 'peer',
    script: scriptOf('peer'),
    procedures: ['auth.me', 'tasks.get', 'tasks.list'],
    summary: 'typical tRPC stack: tRPC on Fastify, zod, superjson, Drizzle relational queries',
  },
  ceiling: {
    name: 'ceiling',
    script: scriptOf('ceiling'),
    procedures: ['noop'],
    summary: 'tRPC ceiling: a no-op query on the same Fastify + tRPC + superjson stack as Trellis',
  },
};

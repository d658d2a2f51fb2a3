import type { ActivityFeedHub } from '@trellis/activity';
import type { Database } from '@trellis/db';
import { QueryStats } from '@trellis/db';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiConfig } from '../config';
import type { ApiMetrics } from '../http/metrics';
import type { SubscriptionSlots } from '../live/subscription-slots';
import { CallLane } from './call-lane';
import { KnownTokenOwners } from './known-token-owners';

/** What every procedure sees. The session, user and actor are added by the procedure builders. */
export interface Context {
  config: ApiConfig;
  db: Database;
  log: FastifyBaseLogger;
  requestId: string;
  /** Live activity of this instance (activity.onEvent). */
  feed: ActivityFeedHub;
  subscriptionSlots: SubscriptionSlots;
  /**
   * The bearer token as sent (Authorization header, or for a browser's EventSource, which
   * cannot send headers, tRPC's connectionParams `{ token }`); checked by authenticated procedures.
   */
  token: string | null;
  /** The client's address (from X-Forwarded-For when TRUST_PROXY is on), for sign-in throttling. */
  clientAddress: string;
  metrics: ApiMetrics;
  /** Every query of this request, across its calls (a batch has several): feeds Server-Timing. */
  queryStats: QueryStats;
  /**
   * Drops the HTTP connection at once: for a live stream whose consumer stopped reading (its
   * socket is full, so no last event could reach it anyway); it reconnects and resumes by id.
   */
  dropConnection(): void;
  /** The users of the tokens this server accepted lately, shared by every call (see authedProcedure). */
  knownTokenOwners: KnownTokenOwners;
  /** A batched request only: its calls run one after another (see call-lane.ts). */
  lane?: CallLane | undefined;
}

export interface ContextDependencies {
  config: ApiConfig;
  db: Database;
  metrics: ApiMetrics;
  feed: ActivityFeedHub;
  subscriptionSlots: SubscriptionSlots;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/;

export function bearerToken(header: string | undefined): string | null {
  return header ? (BEARER.exec(header.trim())?.[1] ?? null) : null;
}

/** The context of one call: from tRPC's Fastify adapter, or from the live streams' route. */
export function createContextFactory(dependencies: ContextDependencies) {
  const knownTokenOwners = new KnownTokenOwners();
  const create = (
    req: FastifyRequest,
    res: FastifyReply,
    info: { isBatchCall: boolean; connectionParams: Record<string, string | undefined> | null },
  ): Context => ({
    config: dependencies.config,
    db: dependencies.db,
    log: req.log,
    requestId: req.id,
    feed: dependencies.feed,
    subscriptionSlots: dependencies.subscriptionSlots,
    token: bearerToken(req.headers.authorization) ?? connectionToken(info.connectionParams),
    clientAddress: req.ip,
    metrics: dependencies.metrics,
    queryStats: requestQueryStats(req),
    knownTokenOwners,
    lane: info.isBatchCall ? new CallLane() : undefined,
    dropConnection: () => res.raw.destroy(),
  });
  return Object.assign(
    ({ req, res, info }: CreateFastifyContextOptions) => create(req, res, info),
    {
      create,
    },
  );
}

/** The token a client passes in tRPC's connectionParams (SSE from browsers). */
function connectionToken(params: Record<string, string | undefined> | null): string | null {
  const token = params?.token;
  return typeof token === 'string' ? bearerToken(`Bearer ${token}`) : null;
}

const STATS = Symbol('trellis.queryStats');

/** One QueryStats per HTTP request, kept on the request so the Server-Timing hook reads the same one. */
export function requestQueryStats(request: object): QueryStats {
  const holder = request as { [STATS]?: QueryStats };
  holder[STATS] ??= new QueryStats();
  return holder[STATS];
}

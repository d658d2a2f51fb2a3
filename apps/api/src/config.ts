import { isIP } from 'node:net';
import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

/** An address or CIDR as @fastify/proxy-addr takes it (`10.0.0.0/8`, `::1`), or one of its names. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return (
    prefix === undefined ||
    (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))
  );
}

/**
 * Which peers may set X-Forwarded-For. `false`: none, the socket's address is the client.
 * A list of the load balancers' addresses or CIDRs (`10.0.0.0/8,loopback`): the client is the
 * nearest address that is not one of them, so a client cannot pick its own address by sending
 * the header. `true`: every hop, the leftmost address wins; only behind a proxy that overwrites
 * (not appends to) the header.
 */
const trustProxySetting = z
  .string()
  .trim()
  .transform((value, context): boolean | string[] => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    const addresses = value.split(',').map((address) => address.trim());
    if (addresses.every(isProxyAddress)) return addresses;
    context.addIssue({
      code: 'custom',
      message: 'must be true, false, or a comma-separated list of proxy addresses or CIDRs',
    });
    return z.NEVER;
  });

/** The API's own settings (the database's are read by @trellis/db's readDatabaseConfig). */
const apiConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  MIGRATE_ON_START: booleanFlag.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted request body; tRPC batches of big task descriptions stay well below. */
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(1_048_576),
  /** Largest body of a call (or batch) naming only procedures with small inputs (not tasks.create/update, comments.add). */
  SMALL_BODY_LIMIT_BYTES: z.coerce.number().int().min(1_024).default(16_384),
  /**
   * Most calls accepted in one batched HTTP request. A batch's calls run one after another, and
   * each answer is bounded (pages cut at 128,000 characters of text), so a batch's answer stays
   * under MAX_BATCH_SIZE × that bound (docs/threat-model.md, API4).
   */
  MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** Deadline of one procedure's transaction; past it the work is rolled back and its connection freed. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long SIGTERM waits for requests in flight before closing the pool anyway. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  /** Behind a load balancer: take the client address from X-Forwarded-For (needed for sign-in throttling per address). */
  TRUST_PROXY: trustProxySetting.default(false),
  /** Prometheus metrics at GET /metrics (where: METRICS_PORT, or METRICS_TOKEN on the API's port). */
  METRICS_ENABLED: booleanFlag.default(true),
  /** Serve /metrics on its own listener (reachable only from the monitoring network). */
  METRICS_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  /**
   * Without METRICS_PORT: serve /metrics on the API's port, but only to requests carrying
   * `Authorization: Bearer <METRICS_TOKEN>`. With neither, /metrics is not served on the API's
   * port at all: its pool state and per-procedure failure counts are live feedback for an attacker.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** Load shedding: refuse new requests with 503 when a transaction has waited this long for a connection. */
  SHED_ACQUIRE_WAIT_MS: z.coerce.number().int().min(1).default(1_000),
  /** Load shedding: refuse new requests with 503 when the event loop lags this much (p99 over the last second). */
  SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(1).default(500),
  /** The Retry-After given with a 503. */
  RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).default(2),
  /**
   * Sign-in throttling, shared by every instance through PostgreSQL: an (email, client address)
   * pair is refused after SIGN_IN_REFUSE_AFTER failures, an address (any email) after
   * SIGN_IN_ADDRESS_REFUSE_AFTER; an email from any address is only slowed down.
   */
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  SIGN_IN_SLOW_DOWN_AFTER: z.coerce.number().int().min(1).default(5),
  SIGN_IN_REFUSE_AFTER: z.coerce.number().int().min(1).default(10),
  SIGN_IN_ADDRESS_REFUSE_AFTER: z.coerce.number().int().min(1).default(30),
  /** Sign-ups per client address (IPv6 by /64) within SIGN_UP_WINDOW_SECONDS. */
  SIGN_UP_PER_ADDRESS: z.coerce.number().int().min(1).default(20),
  SIGN_UP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3_600),
  /** Password hashes (scrypt) computed at once by this process; more wait their turn. */
  PASSWORD_HASH_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Hashes allowed to wait; past it sign-in and sign-up answer 429 with Retry-After at once. */
  PASSWORD_HASH_QUEUE: z.coerce.number().int().min(0).max(10_000).default(32),
  /**
   * Where the live-updates listener (one LISTEN connection per instance, outside the pool)
   * connects; defaults to DATABASE_URL. Behind PgBouncer in transaction mode, point it at
   * PostgreSQL itself: LISTEN needs a session of its own (docs/deployment.md).
   */
  DATABASE_LISTEN_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Live-update streams (activity.onEvent) one user may hold open on an instance. */
  SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).default(10),
  /** Live-update streams one instance holds open; past it a new one is refused with 429. */
  SUBSCRIPTIONS_MAX: z.coerce.number().int().min(1).default(2_000),
  /** A stream this many events behind the newest is cut off (the client resumes by event id). */
  SUBSCRIPTION_MAX_LAG: z.coerce.number().int().min(1).default(1_000),
  /** How often expired tokens and ended throttle windows are deleted (each instance; idempotent). */
  PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(600),
});

export type ApiConfig = z.output<typeof apiConfigSchema>;

export class ApiConfigError extends Error {
  override readonly name = 'ApiConfigError';
  constructor(readonly issues: ReadonlyArray<{ key: string; message: string }>) {
    super(
      `Invalid API configuration:\n${issues.map((issue) => `  - ${issue.key}: ${issue.message}`).join('\n')}`,
    );
  }
}

export function readApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = apiConfigSchema.safeParse(present);
  if (result.success) return result.data;
  throw new ApiConfigError(
    result.error.issues.map((issue) => {
      const key = issue.path.join('.');
      return issue.code === 'invalid_type'
        ? { key, message: `must be a ${issue.expected}, got ${JSON.stringify(present[key])}` }
        : { key, message: issue.message };
    }),
  );
}

import { z } from 'zod';

/**
 * Everything the database layer needs, with production defaults chosen on purpose
 * rather than knex's (min 0 so idle instances hold nothing; acquire timeout in seconds so
 * a saturated pool answers instead of hanging for a minute).
 */
export const databaseConfigSchema = z
  .strictObject({
    url: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL'),
    applicationName: z.string().min(1).max(63).default('trellis'),
    pool: z
      .strictObject({
        min: z.number().int().min(0).default(0),
        max: z.number().int().min(1).max(1000).default(10),
        acquireTimeoutMs: z.number().int().min(1).default(5_000),
        idleTimeoutMs: z.number().int().min(1).default(30_000),
        /** Connections older than this are retired when next validated, so server-side memory and
         * plan caches cannot grow without bound and load balancers can rebalance. */
        maxLifetimeMs: z
          .number()
          .int()
          .min(1_000)
          .default(30 * 60_000),
        keepAlive: z.boolean().default(true),
        keepAliveInitialDelayMs: z.number().int().min(0).default(10_000),
      })
      .prefault({}),
    statementTimeoutMs: z.number().int().min(0).default(15_000),
    lockTimeoutMs: z.number().int().min(0).default(5_000),
    idleInTransactionTimeoutMs: z.number().int().min(0).default(30_000),
    /** Leak guard: a transaction still open after this long is logged with where it was opened (its stack, or its label) and rolled back. */
    transactionTimeoutMs: z.number().int().min(1).default(30_000),
    /**
     * Run the statements marked for it (authentication, lookups by key) as named prepared
     * statements, planned once per connection. Turn off behind a pooler that cannot carry them:
     * PgBouncer older than 1.21 in transaction mode (1.21+ needs `max_prepared_statements`).
     */
    preparedStatements: z.union([z.boolean(), z.stringbool()]).default(true),
    /** Reading a relation that was not eager-loaded: throw (development, test) or log a warning. */
    strictRelations: z.enum(['throw', 'warn']).default('throw'),
  })
  .refine((config) => config.pool.min <= config.pool.max, {
    path: ['pool', 'min'],
    message: 'must not exceed pool.max',
  });

export type DatabaseConfig = z.output<typeof databaseConfigSchema>;
export type DatabaseConfigInput = z.input<typeof databaseConfigSchema>;

/** The environment variable behind each config key, so errors name what the operator set. */
const ENVIRONMENT_KEYS = {
  DATABASE_URL: ['url'],
  DATABASE_APPLICATION_NAME: ['applicationName'],
  DATABASE_POOL_MIN: ['pool', 'min'],
  DATABASE_POOL_MAX: ['pool', 'max'],
  DATABASE_ACQUIRE_TIMEOUT_MS: ['pool', 'acquireTimeoutMs'],
  DATABASE_IDLE_TIMEOUT_MS: ['pool', 'idleTimeoutMs'],
  DATABASE_MAX_LIFETIME_MS: ['pool', 'maxLifetimeMs'],
  DATABASE_STATEMENT_TIMEOUT_MS: ['statementTimeoutMs'],
  DATABASE_LOCK_TIMEOUT_MS: ['lockTimeoutMs'],
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: ['idleInTransactionTimeoutMs'],
  DATABASE_TRANSACTION_TIMEOUT_MS: ['transactionTimeoutMs'],
  DATABASE_STRICT_RELATIONS: ['strictRelations'],
  DATABASE_PREPARED_STATEMENTS: ['preparedStatements'],
} as const satisfies Record<string, readonly string[]>;

const NUMERIC_KEYS = new Set([
  'min',
  'max',
  'acquireTimeoutMs',
  'idleTimeoutMs',
  'maxLifetimeMs',
  'statementTimeoutMs',
  'lockTimeoutMs',
  'idleInTransactionTimeoutMs',
  'transactionTimeoutMs',
]);

export interface ConfigIssue {
  /** The key as the caller knows it: an environment variable, or a config path. */
  key: string;
  message: string;
}

/** One error naming every bad key, so an operator fixes the configuration in one pass. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid database configuration:\n${issues.map((issue) => `  - ${issue.key}: ${issue.message}`).join('\n')}`,
    );
  }
}

export function parseDatabaseConfig(
  input: DatabaseConfigInput,
  keyName: (path: readonly PropertyKey[]) => string = (path) => path.join('.'),
): DatabaseConfig {
  const result = databaseConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.flatMap((issue) =>
      // An unknown key is reported on its parent object: name the key itself.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ key: keyName([...issue.path, key]), message: 'unknown key' }))
        : [{ key: keyName(issue.path), message: issue.message }],
    ),
  );
}

/**
 * Reads the config from environment variables (see ENVIRONMENT_KEYS). `defaults` fills what the
 * environment leaves unset, e.g. the URL of the embedded server in development.
 */
export function readDatabaseConfig(
  env: Record<string, string | undefined> = process.env,
  defaults: DatabaseConfigInput | Partial<DatabaseConfigInput> = {},
): DatabaseConfig {
  const input: Record<string, unknown> = structuredClone(defaults);
  for (const [variable, path] of Object.entries(ENVIRONMENT_KEYS)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') continue;
    const leaf = path[path.length - 1]!;
    let target = input;
    for (const segment of path.slice(0, -1)) {
      target = (target[segment] ??= {}) as Record<string, unknown>;
    }
    target[leaf] = NUMERIC_KEYS.has(leaf) && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : raw;
  }
  const byPath = new Map(
    Object.entries(ENVIRONMENT_KEYS).map(([name, path]) => [path.join('.'), name]),
  );
  return parseDatabaseConfig(input as DatabaseConfigInput, (path) => {
    const joined = path.join('.');
    return byPath.get(joined) ?? joined;
  });
}

import { describe, expect, it } from 'vitest';
import { ConfigError, parseDatabaseConfig, readDatabaseConfig } from '../src/config';

const URL = 'postgres://app@db.internal:5432/trellis';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('readDatabaseConfig', () => {
  it('rejects invalid environment values in one error naming every bad variable', () => {
    const error = configError(() =>
      readDatabaseConfig({
        DATABASE_URL: 'mysql://x',
        DATABASE_POOL_MAX: 'abc',
        DATABASE_POOL_MIN: '-1',
        DATABASE_ACQUIRE_TIMEOUT_MS: '0',
      }),
    );
    const keys = error.issues.map((issue) => issue.key).sort();
    expect(keys).toEqual([
      'DATABASE_ACQUIRE_TIMEOUT_MS',
      'DATABASE_POOL_MAX',
      'DATABASE_POOL_MIN',
      'DATABASE_URL',
    ]);
    for (const key of keys) expect(error.message).toContain(key);
    expect(error.message).toContain('postgres://');
  });

  it('parses numbers, booleans of the schema and ignores empty variables', () => {
    const config = readDatabaseConfig({
      DATABASE_URL: URL,
      DATABASE_POOL_MAX: ' 25 ',
      DATABASE_POOL_MIN: '2',
      DATABASE_STATEMENT_TIMEOUT_MS: '0',
      DATABASE_IDLE_TIMEOUT_MS: '',
      DATABASE_STRICT_RELATIONS: 'warn',
      DATABASE_APPLICATION_NAME: 'trellis-worker',
    });
    expect(config.pool).toMatchObject({ max: 25, min: 2, idleTimeoutMs: 30_000 });
    expect(config.statementTimeoutMs).toBe(0);
    expect(config.strictRelations).toBe('warn');
    expect(config.applicationName).toBe('trellis-worker');
  });

  it('rejects numbers that are not plain integers, naming the variable', () => {
    for (const raw of ['1e3', '0x10', '12abc', '10.5', 'Infinity']) {
      const error = configError(() =>
        readDatabaseConfig({ DATABASE_URL: URL, DATABASE_POOL_MAX: raw }),
      );
      expect(error.issues.map((issue) => issue.key)).toEqual(['DATABASE_POOL_MAX']);
    }
  });

  it('fills unset variables from the defaults argument', () => {
    const config = readDatabaseConfig({}, { url: URL, pool: { max: 3 } });
    expect(config.url).toBe(URL);
    expect(config.pool.max).toBe(3);
    const overridden = readDatabaseConfig(
      { DATABASE_POOL_MAX: '7' },
      { url: URL, pool: { max: 3 } },
    );
    expect(overridden.pool.max).toBe(7);
  });

  it('rejects pool.min above pool.max, naming DATABASE_POOL_MIN', () => {
    const error = configError(() =>
      readDatabaseConfig({ DATABASE_URL: URL, DATABASE_POOL_MIN: '8', DATABASE_POOL_MAX: '4' }),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual(['DATABASE_POOL_MIN']);
    expect(error.message).toContain('must not exceed pool.max');
  });
});

describe('parseDatabaseConfig', () => {
  it('names config paths of bad keys', () => {
    const error = configError(() =>
      parseDatabaseConfig({
        url: 'http://nope',
        pool: { max: 0, acquireTimeoutMs: -5 },
        strictRelations: 'sometimes' as 'warn',
      }),
    );
    expect(error.issues.map((issue) => issue.key).sort()).toEqual([
      'pool.acquireTimeoutMs',
      'pool.max',
      'strictRelations',
      'url',
    ]);
  });

  it('names unknown keys by their path', () => {
    const error = configError(() =>
      parseDatabaseConfig({ url: URL, pool: { size: 4 } } as unknown as Parameters<
        typeof parseDatabaseConfig
      >[0]),
    );
    expect(error.issues.map((issue) => issue.key)).toEqual(['pool.size']);
  });

  it('rejects pool.min above pool.max', () => {
    const error = configError(() => parseDatabaseConfig({ url: URL, pool: { min: 5, max: 2 } }));
    expect(error.issues).toEqual([{ key: 'pool.min', message: 'must not exceed pool.max' }]);
  });

  it('has the documented production defaults', () => {
    const config = parseDatabaseConfig({ url: URL });
    expect(config).toEqual({
      url: URL,
      applicationName: 'trellis',
      pool: {
        min: 0,
        max: 10,
        acquireTimeoutMs: 5_000,
        idleTimeoutMs: 30_000,
        maxLifetimeMs: 30 * 60_000,
        keepAlive: true,
        keepAliveInitialDelayMs: 10_000,
      },
      statementTimeoutMs: 15_000,
      lockTimeoutMs: 5_000,
      idleInTransactionTimeoutMs: 30_000,
      transactionTimeoutMs: 30_000,
      strictRelations: 'throw',
      preparedStatements: true,
    });
  });

  it('accepts postgresql:// URLs', () => {
    expect(parseDatabaseConfig({ url: 'postgresql://a@b/c' }).url).toBe('postgresql://a@b/c');
  });
});

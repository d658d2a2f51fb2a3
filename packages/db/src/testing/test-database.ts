import { afterAll, beforeAll, inject } from 'vitest';
import type { DatabaseConfigInput } from '../config';
import { createDatabase, type Database } from '../database';
import { databaseUrl, quoteIdentifier, uniqueDatabaseName, withAdminClient } from './admin';

export interface TestDatabase {
  /** URL of this test file's own database (a copy of the migrated template). */
  readonly url: string;
  /** A database layer on it, closed after the file's tests. */
  readonly db: Database;
  /** Another layer on the same database with other settings (pool size, timeouts); also closed. */
  open(config?: Partial<DatabaseConfigInput>): Database;
}

/** Fails when a layer still lends a connection: the leak check every test file ends with. */
export function assertNoConnectionsInUse(db: Database): void {
  const stats = db.poolStats();
  if (stats.used > 0 || stats.pendingAcquires > 0) {
    throw new Error(
      `Connection leak: ${stats.used} connection(s) still in use and ${stats.pendingAcquires} acquire(s) pending after the tests`,
    );
  }
}

/**
 * Gives the calling test file an isolated, migrated database: created from the template
 * before its tests, dropped after them. Teardown asserts that no connection is left in use.
 */
export function useTestDatabase(config: Partial<DatabaseConfigInput> = {}): TestDatabase {
  const layers: Database[] = [];
  let url: string | undefined;
  let main: Database | undefined;
  const { adminUrl, template } = inject('trellisTestServer');
  const name = uniqueDatabaseName('trellis_t');

  const open = (overrides: Partial<DatabaseConfigInput> = {}): Database => {
    if (!url) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    const db = createDatabase({
      ...config,
      ...overrides,
      pool: { ...config.pool, ...overrides.pool },
      url,
    });
    layers.push(db);
    return db;
  };

  beforeAll(async () => {
    await withAdminClient(adminUrl, (client) =>
      client.query(
        `create database ${quoteIdentifier(name)} template ${quoteIdentifier(template)}`,
      ),
    );
    url = databaseUrl(adminUrl, name);
    main = open();
  });

  afterAll(async () => {
    try {
      for (const db of layers) if (!db.isClosing) assertNoConnectionsInUse(db);
    } finally {
      await Promise.all(layers.map((db) => db.close({ deadlineMs: 1_000 })));
      await withAdminClient(adminUrl, (client) =>
        client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`),
      );
    }
  });

  return {
    get url() {
      if (!url)
        throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return url;
    },
    get db() {
      if (!main)
        throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return main;
    },
    open,
  };
}

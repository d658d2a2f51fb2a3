import { afterAll, beforeAll, inject } from 'vitest';
import type { DatabaseConfigInput } from '../config';
import { createDatabase, type Database, type DatabaseOptions } from '../database';
import { databaseUrl, quoteIdentifier, uniqueDatabaseName, withAdminClient } from './admin';

export interface TestDatabase {
  /**
   * URL of this test file's own database (a copy of the migrated template), as the server's
   * runtime role when the global setup has one (least privilege: no DDL, activity append-only),
   * otherwise as the admin role.
   */
  readonly url: string;
  /** The same database as the role that owns its tables (the admin role), for fixtures that need DDL. */
  readonly ownerUrl: string;
  /** A database layer on `url`, closed after the file's tests. */
  readonly db: Database;
  /** Another layer on `url` with other settings (pool size, timeouts) or options; also closed. */
  open(config?: Partial<DatabaseConfigInput>, options?: DatabaseOptions): Database;
  /** A layer on `ownerUrl` (creating triggers, locking tables, tables of a test's own); also closed. */
  openAsOwner(config?: Partial<DatabaseConfigInput>): Database;
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

function asRole(url: string, role: { name: string; password: string }): string {
  const parsed = new URL(url);
  parsed.username = role.name;
  parsed.password = role.password;
  return parsed.toString();
}

/**
 * Gives the calling test file an isolated, migrated database: created from the template
 * before its tests, dropped after them. Teardown asserts that no connection is left in use.
 */
export function useTestDatabase(config: Partial<DatabaseConfigInput> = {}): TestDatabase {
  const layers: Database[] = [];
  let url: string | undefined;
  let ownerUrl: string | undefined;
  let main: Database | undefined;
  const { adminUrl, template, runtimeRole } = inject('trellisTestServer');
  const name = uniqueDatabaseName('trellis_t');

  const openOn = (
    target: string | undefined,
    overrides: Partial<DatabaseConfigInput>,
    options?: DatabaseOptions,
  ) => {
    if (!target)
      throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    const db = createDatabase(
      {
        ...config,
        ...overrides,
        pool: { ...config.pool, ...overrides.pool },
        url: target,
      },
      options,
    );
    layers.push(db);
    return db;
  };
  const open = (
    overrides: Partial<DatabaseConfigInput> = {},
    options?: DatabaseOptions,
  ): Database => openOn(url, overrides, options);

  beforeAll(async () => {
    await withAdminClient(adminUrl, (client) =>
      client.query(
        `create database ${quoteIdentifier(name)} template ${quoteIdentifier(template)}`,
      ),
    );
    ownerUrl = databaseUrl(adminUrl, name);
    url = runtimeRole ? asRole(ownerUrl, runtimeRole) : ownerUrl;
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
    get ownerUrl() {
      if (!ownerUrl)
        throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return ownerUrl;
    },
    get db() {
      if (!main)
        throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
      return main;
    },
    open,
    openAsOwner: (overrides: Partial<DatabaseConfigInput> = {}) => openOn(ownerUrl, overrides),
  };
}

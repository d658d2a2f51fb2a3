import path from 'node:path';
import type { Knex } from 'knex';
import type pg from 'pg';
import { createDatabase } from '../database';
import {
  startEmbeddedServer,
  sweepEphemeralServers,
  type EmbeddedServer,
} from '../embedded/embedded-server';
import { isAlive } from '../embedded/orphans';
import { dataDirectory } from '../embedded/workspace-root';
import { Migrator } from '../migrations/migrator';
import type { Migration } from '../migrations/migration';
import {
  databaseUrl,
  dropStaleTestDatabases,
  quoteIdentifier,
  uniqueDatabaseName,
  withAdminClient,
} from './admin';

/** What the global setup hands to every test file (vitest provide/inject). */
export interface TestServerInfo {
  /** URL of the maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  /** A migrated database that each test file copies. */
  template: string;
  /** With a runtime role, test files connect as it by default (see useTestDatabase). */
  runtimeRole?: { name: string; password: string };
}

/**
 * A least-privilege role for the tests' connections: created on the server once (roles are
 * server-wide, so it is kept for later runs and shared by concurrent ones), then given its
 * rights on the migrated template by `grant` (the application's own grants step); every test
 * database copied from the template carries those rights.
 */
export interface TestRuntimeRole {
  name: string;
  password: string;
  grant(knex: Knex, role: string): Promise<void>;
}

// duplicate_object, and unique_violation when two runs create the role at the same moment.
const ROLE_EXISTS = new Set(['42710', '23505']);

async function ensureRole(client: pg.Client, role: TestRuntimeRole): Promise<void> {
  const { rows } = await client.query('select 1 from pg_roles where rolname = $1', [role.name]);
  if (rows.length > 0) return;
  try {
    // CREATE ROLE takes no bind parameters: name and password are the test setup's constants.
    await client.query(
      `create role ${quoteIdentifier(role.name)} login password '${role.password.replace(/'/g, "''")}'`,
    );
  } catch (error) {
    if (!ROLE_EXISTS.has((error as { code?: string }).code ?? '')) throw error;
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    trellisTestServer: TestServerInfo;
  }
}

export interface TestServer extends TestServerInfo {
  stop(): Promise<void>;
}

/**
 * For a package's vitest globalSetup: reach PostgreSQL (DATABASE_URL, or an ephemeral embedded
 * server when unset), migrate a template database once, and clean up afterwards.
 */
export async function startTestServer(options: {
  migrations: readonly Migration[];
  runtimeRole?: TestRuntimeRole;
}): Promise<TestServer> {
  let embedded: EmbeddedServer | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const parent = path.join(dataDirectory(), 'test');
    await sweepEphemeralServers(parent, (name) => isAlive(Number(name.split('-')[0])));
    embedded = await startEmbeddedServer({
      dataDir: path.join(parent, `${process.pid}-${Math.random().toString(36).slice(2, 8)}`),
      ephemeral: true,
      fast: true,
    });
    adminUrl = embedded.url;
  }

  const template = uniqueDatabaseName('trellis_tpl');
  try {
    await withAdminClient(adminUrl, async (client) => {
      await dropStaleTestDatabases(client);
      await client.query(`create database ${quoteIdentifier(template)}`);
    });
    const db = createDatabase({ url: databaseUrl(adminUrl, template), pool: { max: 2 } });
    try {
      await new Migrator(db, options.migrations).latest();
      if (options.runtimeRole) {
        const role = options.runtimeRole;
        await withAdminClient(adminUrl, (client) => ensureRole(client, role));
        // PostgreSQL 15 lets only the database owner create in `public`; older ones, everyone.
        await db.knex.raw('revoke create on schema public from public');
        await role.grant(db.knex, role.name);
      }
    } finally {
      await db.close();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const serverUrl = adminUrl;
  const runtimeRole = options.runtimeRole;
  return {
    adminUrl: serverUrl,
    template,
    ...(runtimeRole
      ? { runtimeRole: { name: runtimeRole.name, password: runtimeRole.password } }
      : {}),
    async stop() {
      try {
        await withAdminClient(serverUrl, (client) =>
          client.query(`drop database if exists ${quoteIdentifier(template)} with (force)`),
        );
      } finally {
        await embedded?.stop();
      }
    },
  };
}

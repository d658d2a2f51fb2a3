import path from 'node:path';
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
    } finally {
      await db.close();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  const serverUrl = adminUrl;
  return {
    adminUrl: serverUrl,
    template,
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

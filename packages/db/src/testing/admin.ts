import pg from 'pg';

/** Runs statements on the server's maintenance database with one short-lived connection. */
export async function withAdminClient<T>(
  adminUrl: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    connectionString: adminUrl,
    application_name: 'trellis-test-admin',
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Names carry their creation time, so a later run can drop what a killed run left behind. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
}

const STALE_AFTER_MS = 6 * 60 * 60_000;

/** Drops test databases older than a few hours: leftovers of runs that were killed. */
export async function dropStaleTestDatabases(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(
    "select datname from pg_database where datname like 'trellis\\_t\\_%' or datname like 'trellis\\_tpl\\_%'",
  );
  for (const { datname } of rows) {
    const createdAt = Number(datname.split('_')[2]);
    if (Number.isFinite(createdAt) && Date.now() - createdAt > STALE_AFTER_MS) {
      await client.query(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
    }
  }
}

import { createDatabase } from '@trellis/db';

/** The embedded server's database and roles: the same split as production (docs/deployment.md). */
export const EMBEDDED_DATABASE = 'trellis';
export const EMBEDDED_MIGRATION_ROLE = 'trellis_migrator';
export const EMBEDDED_RUNTIME_ROLE = 'trellis_runtime';
// The embedded server listens on 127.0.0.1 only and holds development data: like its superuser
// password, these guard nothing secret. Real deployments create their own roles and passwords.
const PASSWORDS = {
  [EMBEDDED_MIGRATION_ROLE]: 'trellis-migrator-local',
  [EMBEDDED_RUNTIME_ROLE]: 'trellis-runtime-local',
};

function withUser(superuserUrl: string, role: keyof typeof PASSWORDS): string {
  const url = new URL(superuserUrl);
  url.username = role;
  url.password = PASSWORDS[role];
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return url.toString();
}

/**
 * On the embedded server (as its superuser): a migration role that owns the `trellis` database
 * and its schema, and a runtime role that may only connect; the grants step after migrating
 * gives it its data rights. Idempotent: an existing role or database is kept.
 */
export async function ensureEmbeddedRoles(
  superuserUrl: string,
): Promise<{ url: string; migrationUrl: string }> {
  const admin = createDatabase({ url: superuserUrl, pool: { min: 0, max: 1 } });
  try {
    for (const [role, password] of Object.entries(PASSWORDS)) {
      const { rows } = await admin.knex.raw<{ rows: unknown[] }>(
        'select 1 from pg_roles where rolname = ?',
        [role],
      );
      if (rows.length === 0) {
        // CREATE ROLE takes no bind parameter for the password: it is this file's constant.
        await admin.knex.raw(`create role ?? login password '${password}'`, [role]);
      }
    }
    const { rows } = await admin.knex.raw<{ rows: unknown[] }>(
      'select 1 from pg_database where datname = ?',
      [EMBEDDED_DATABASE],
    );
    if (rows.length === 0) {
      await admin.knex.raw('create database ?? owner ??', [
        EMBEDDED_DATABASE,
        EMBEDDED_MIGRATION_ROLE,
      ]);
    }
  } finally {
    await admin.close();
  }
  // The migration role owns the schema it migrates; no one else may create in it (PostgreSQL
  // 15 already gives `public` to the database owner; older servers let every role create there).
  const superuserOnTrellis = new URL(superuserUrl);
  superuserOnTrellis.pathname = `/${EMBEDDED_DATABASE}`;
  const schemaAdmin = createDatabase({
    url: superuserOnTrellis.toString(),
    pool: { min: 0, max: 1 },
  });
  try {
    await schemaAdmin.knex.raw('alter schema public owner to ??', [EMBEDDED_MIGRATION_ROLE]);
    await schemaAdmin.knex.raw('revoke create on schema public from public');
  } finally {
    await schemaAdmin.close();
  }
  return {
    url: withUser(superuserUrl, EMBEDDED_RUNTIME_ROLE),
    migrationUrl: withUser(superuserUrl, EMBEDDED_MIGRATION_ROLE),
  };
}

import { describe, expect, it } from 'vitest';
import { resolveDatabaseUrl } from '../src/database/resolve-database-url';

const runtime = 'postgres://trellis_runtime:secret-r@db.internal:5432/trellis';
const migrator = 'postgres://trellis_migrator:secret-m@db.internal:5432/trellis';

describe('DATABASE_URL (runtime role) and DATABASE_MIGRATION_URL (migration role)', () => {
  it('serves with DATABASE_URL, migrates with DATABASE_MIGRATION_URL, and grants to the runtime user', async () => {
    const resolved = await resolveDatabaseUrl({
      DATABASE_URL: runtime,
      DATABASE_MIGRATION_URL: migrator,
    });
    expect(resolved).toMatchObject({
      url: runtime,
      migrationUrl: migrator,
      runtimeRole: 'trellis_runtime',
      source: 'DATABASE_URL',
    });
  });

  it('with one URL (or the same user twice) one role does both and there is nothing to grant', async () => {
    expect(await resolveDatabaseUrl({ DATABASE_URL: runtime })).toMatchObject({
      url: runtime,
      migrationUrl: runtime,
      runtimeRole: undefined,
    });
    const sameUser = runtime.replace('secret-r', 'other-password');
    expect(
      await resolveDatabaseUrl({ DATABASE_URL: runtime, DATABASE_MIGRATION_URL: sameUser }),
    ).toMatchObject({ runtimeRole: undefined });
  });

  it('refuses a migration URL without a runtime URL, and a value that is not a URL, without echoing it', async () => {
    await expect(resolveDatabaseUrl({ DATABASE_MIGRATION_URL: migrator })).rejects.toThrow(
      /DATABASE_MIGRATION_URL is set but DATABASE_URL is not/,
    );
    const bad = resolveDatabaseUrl({ DATABASE_URL: runtime, DATABASE_MIGRATION_URL: 'secret-m' });
    await expect(bad).rejects.toThrow(/^DATABASE_MIGRATION_URL is not a URL/);
    await expect(bad).rejects.not.toThrow(/secret-m/);
  });
});

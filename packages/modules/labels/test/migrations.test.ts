import { Migrator } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { describe, expect, it } from 'vitest';
import { activityMigrations } from '@trellis/activity';
import { identityMigrations } from '@trellis/identity';
import { workspacesMigrations } from '@trellis/workspaces';
import { labelsMigrations } from '../src';

const test = useTestDatabase();

async function tablesPresent(names: string[]): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await test.db
    .knex('information_schema.tables')
    .where('table_schema', 'public')
    .whereIn('table_name', names)
    .select('table_name');
  return rows.map((row) => row.table_name).sort();
}

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    const owned = ['labels'];
    const migrator = new Migrator(test.db, [
      ...identityMigrations,
      ...activityMigrations,
      ...workspacesMigrations,
      ...labelsMigrations,
    ]);
    expect(await tablesPresent(owned)).toEqual([...owned].sort());
    await migrator.rollback({ all: true });
    expect(await tablesPresent(owned)).toEqual([]);
    await migrator.latest();
    expect(await tablesPresent(owned)).toEqual([...owned].sort());
  });
});

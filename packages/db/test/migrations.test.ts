import type { Knex } from 'knex';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type Database } from '../src/database';
import type { Migration } from '../src/migrations/migration';
import { Migrator, collectMigrations } from '../src/migrations/migrator';
import {
  databaseUrl,
  quoteIdentifier,
  uniqueDatabaseName,
  withAdminClient,
} from '../src/testing/admin';
import { migratedTestServer } from '../src/testing/global-setup';
import type { TestServerInfo } from '../src/testing/test-server';

const { adminUrl } = inject('trellisTestServer');

function migration(
  name: string,
  up: (knex: Knex) => Promise<void>,
  down: (knex: Knex) => Promise<void>,
): Migration {
  return { name, up, down };
}

const widgets = [
  migration(
    '20260201000000_alpha_create_widgets',
    async (knex) => {
      await knex.raw('select pg_sleep(0.2)'); // long enough for concurrent runners to overlap
      await knex.schema.createTable('widgets', (table) => table.increments('id'));
    },
    (knex) => knex.schema.dropTable('widgets'),
  ),
  migration(
    '20260201000002_alpha_widget_name',
    (knex) => knex.schema.alterTable('widgets', (table) => table.text('name')),
    (knex) => knex.schema.alterTable('widgets', (table) => table.dropColumn('name')),
  ),
];
const gadgets = [
  migration(
    '20260201000001_beta_create_gadgets',
    (knex) => knex.schema.createTable('gadgets', (table) => table.increments('id')),
    (knex) => knex.schema.dropTable('gadgets'),
  ),
];
const ALL_NAMES = [
  '20260201000000_alpha_create_widgets',
  '20260201000001_beta_create_gadgets',
  '20260201000002_alpha_widget_name',
];

/** A fresh, empty database per test, dropped afterwards with every layer opened on it. */
function useFreshDatabase() {
  const created: string[] = [];
  const layers: Database[] = [];
  afterAll(async () => {
    await Promise.all(layers.map((db) => db.close()));
    await withAdminClient(adminUrl, async (client) => {
      for (const name of created) {
        await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
      }
    });
  });
  return async (count = 1): Promise<Database[]> => {
    const name = uniqueDatabaseName('trellis_t');
    await withAdminClient(adminUrl, (client) =>
      client.query(`create database ${quoteIdentifier(name)}`),
    );
    created.push(name);
    return Array.from({ length: count }, () => {
      const db = createDatabase({ url: databaseUrl(adminUrl, name), pool: { max: 2 } });
      layers.push(db);
      return db;
    });
  };
}

async function tables(db: Database): Promise<string[]> {
  const { rows } = await db.knex.raw<{ rows: Array<{ tablename: string }> }>(
    "select tablename from pg_tables where schemaname = 'public' order by tablename",
  );
  return rows.map((row) => row.tablename);
}

async function appliedRows(db: Database): Promise<string[]> {
  const rows = await db.knex('knex_migrations').select('name').orderBy('id');
  return rows.map((row: { name: string }) => row.name);
}

describe('collectMigrations', () => {
  it('orders the migrations of several groups globally by name', () => {
    expect(collectMigrations(widgets, gadgets).map((m) => m.name)).toEqual(ALL_NAMES);
    expect(collectMigrations(gadgets, widgets).map((m) => m.name)).toEqual(ALL_NAMES);
  });

  it('orders by code unit, whatever the locale', () => {
    const noop = async () => undefined;
    const names = [
      '20260301000000_x_z',
      '20260301000000_x_t',
      '20260301000000_x_s',
      '20260301000000_x1',
      '20260301000000_x_',
      '20260301000000_xa',
    ];
    const sorted = collectMigrations(names.map((name) => migration(name, noop, noop))).map(
      (m) => m.name,
    );
    expect(sorted).toEqual([...names].sort());
  });

  it('rejects a migration listed twice, even across groups', () => {
    expect(() => collectMigrations(widgets, [widgets[0]!])).toThrow(/listed twice/);
  });

  it('rejects badly named migrations', () => {
    const noop = async () => undefined;
    for (const name of [
      'create_widgets',
      '2026_create',
      '20260201000000-widgets',
      '20260201000000_Widgets',
      '202602010000001_x',
    ]) {
      expect(() => collectMigrations([migration(name, noop, noop)])).toThrow(name);
    }
  });
});

describe('Migrator', () => {
  const freshDatabase = useFreshDatabase();

  it('status, latest and rollback on a fresh database', async () => {
    const [db] = await freshDatabase();
    const migrator = new Migrator(db!, collectMigrations(widgets, gadgets));

    expect(await migrator.status()).toEqual(ALL_NAMES.map((name) => ({ name, applied: false })));
    expect(await migrator.latest()).toEqual(ALL_NAMES);
    expect(await migrator.status()).toEqual(ALL_NAMES.map((name) => ({ name, applied: true })));
    expect(await tables(db!)).toEqual(expect.arrayContaining(['gadgets', 'widgets']));
    expect(await migrator.latest()).toEqual([]);

    // A later batch rolls back on its own.
    const later = migration(
      '20260202000000_beta_create_sprockets',
      (knex) => knex.schema.createTable('sprockets', (table) => table.increments('id')),
      (knex) => knex.schema.dropTable('sprockets'),
    );
    const extended = new Migrator(db!, collectMigrations(widgets, gadgets, [later]));
    expect(await extended.latest()).toEqual([later.name]);
    expect(await extended.rollback()).toEqual([later.name]);
    expect(await tables(db!)).not.toContain('sprockets');
    expect(await appliedRows(db!)).toEqual(ALL_NAMES);

    expect(await migrator.rollback({ all: true })).toEqual([...ALL_NAMES].reverse());
    expect(await tables(db!)).not.toEqual(expect.arrayContaining(['widgets']));
    expect(await tables(db!)).not.toContain('gadgets');
    expect(await migrator.status()).toEqual(ALL_NAMES.map((name) => ({ name, applied: false })));
  });

  it('accepts a plain knex as well as a Database', async () => {
    const [db] = await freshDatabase();
    const migrator = new Migrator(db!.knex, gadgets);
    expect(await migrator.latest()).toEqual(['20260201000001_beta_create_gadgets']);
    expect(await new Migrator(db!, gadgets).status()).toEqual([
      { name: '20260201000001_beta_create_gadgets', applied: true },
    ]);
  });

  it('two processes migrating at once apply each migration exactly once', async () => {
    const [first, second] = await freshDatabase(2);
    const migrations = collectMigrations(widgets, gadgets);
    const [a, b] = await Promise.all([
      new Migrator(first!, migrations).latest(),
      new Migrator(second!, migrations).latest(),
    ]);
    expect([...a, ...b].sort()).toEqual(ALL_NAMES);
    expect([a.length, b.length].sort()).toEqual([0, 3]);
    expect(await appliedRows(first!)).toEqual(ALL_NAMES);
  });

  it('a failing migration leaves nothing of its run behind', async () => {
    const [db] = await freshDatabase();
    const broken = migration(
      '20260201000003_alpha_broken',
      async (knex) => {
        await knex.schema.createTable('half_done', (table) => table.increments('id'));
        await knex.raw('select * from no_such_table');
      },
      async () => undefined,
    );
    const migrator = new Migrator(db!, collectMigrations(widgets, gadgets, [broken]));
    await expect(migrator.latest()).rejects.toThrow(/no_such_table/);
    const left = await tables(db!);
    expect(left).not.toContain('widgets');
    expect(left).not.toContain('half_done');
    expect(await new Migrator(db!, collectMigrations(widgets, gadgets)).latest()).toEqual(
      ALL_NAMES,
    );
  });
});

describe("migratedTestServer (a package's vitest globalSetup)", () => {
  it('migrates the template in the one global order, whatever order the lists are named in', async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = adminUrl; // the server this file already uses, not a new one
    const provided: TestServerInfo[] = [];
    let teardown: (() => Promise<void>) | undefined;
    try {
      teardown = await migratedTestServer([widgets[1]!], gadgets, [widgets[0]!])({
        provide: (_key, value) => provided.push(value),
      });
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
    expect(provided).toHaveLength(1);
    const template = createDatabase({ url: databaseUrl(adminUrl, provided[0]!.template) });
    try {
      expect(await appliedRows(template)).toEqual(ALL_NAMES);
    } finally {
      await template.close();
      await teardown();
    }
    const left = await withAdminClient(adminUrl, (client) =>
      client.query('select 1 from pg_database where datname = $1', [provided[0]!.template]),
    );
    expect(left.rowCount).toBe(0);
  });
});

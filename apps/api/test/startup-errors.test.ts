import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeStartupFailure } from '../src/startup/startup-failure';
import { readSettings, SettingsError } from '../src/startup/settings';

function coded(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`failure ${code}`), { code, ...extra });
}

describe('settings: one error naming every bad key, API and database alike', () => {
  it('PORT=abc DATABASE_POOL_MAX=0 names both', () => {
    let error: unknown;
    try {
      readSettings({ PORT: 'abc', DATABASE_POOL_MAX: '0', EMBEDDED_POSTGRES_PORT: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const settingsError = error as SettingsError;
    expect(settingsError.issues.map((issue) => issue.key)).toEqual([
      'PORT',
      'DATABASE_POOL_MAX',
      'EMBEDDED_POSTGRES_PORT',
    ]);
    const line = describeStartupFailure(error);
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^invalid settings: PORT: must be a number, got "abc"; DATABASE_POOL_MAX: /,
    );
  });

  it('good settings read as before', () => {
    const { api, database } = readSettings({ PORT: '4000', DATABASE_POOL_MAX: '3' });
    expect(api.PORT).toBe(4000);
    expect(database.pool.max).toBe(3);
  });
});

describe('startup failures: one line, what is wrong and what to do', () => {
  const env = { DATABASE_URL: 'postgres://alice:s3cret@db.internal:5433/trellis' };

  it('a port in use names the setting to change', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const second = createServer();
    const error = await new Promise<Error>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    holder.close();
    expect(describeStartupFailure(error, {})).toBe(
      `port ${port} is in use: set PORT to a free port, or stop the process using it`,
    );
    expect(describeStartupFailure(error, { METRICS_PORT: String(port) })).toContain(
      'set METRICS_PORT',
    );
  });

  it('database errors say which database, user and server, never the password', () => {
    const lines = [
      describeStartupFailure(coded('3D000'), env),
      describeStartupFailure(coded('28P01'), env),
      describeStartupFailure(new Error('wrapped', { cause: coded('ECONNREFUSED') }), env),
    ];
    expect(lines).toEqual([
      'database "trellis" does not exist on db.internal:5433: create it (createdb trellis) or point DATABASE_URL at one that exists',
      'password authentication failed for user "alice" on db.internal:5433: fix the user or password in DATABASE_URL',
      'cannot reach PostgreSQL at db.internal:5433 (connection refused): start it, or fix DATABASE_URL',
    ]);
    for (const line of lines) expect(line).not.toContain('s3cret');
  });
});

import { ConfigError, readDatabaseConfig, type DatabaseConfig } from '@trellis/db';
import { ApiConfigError, readApiConfig, type ApiConfig } from '../config';

export interface SettingIssue {
  /** The environment variable, as the operator set it. */
  key: string;
  message: string;
}

/** Every bad setting of the API and the database layer, in one error. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
  constructor(readonly issues: readonly SettingIssue[]) {
    super(
      `invalid settings: ${issues.map((issue) => `${issue.key}: ${issue.message}`).join('; ')} (see docs/deployment.md, "Configuration reference")`,
    );
  }
}

export interface Settings {
  api: ApiConfig;
  /** The database layer's settings; `url` is a placeholder until the database is resolved. */
  database: DatabaseConfig;
}

/**
 * Reads the API's and the database layer's settings from the environment. The two readers
 * both run before anything is reported, so `PORT=abc DATABASE_POOL_MAX=0` names both keys.
 */
export function readSettings(env: Record<string, string | undefined> = process.env): Settings {
  const issues: SettingIssue[] = [];
  let api: ApiConfig | undefined;
  let database: DatabaseConfig | undefined;
  try {
    api = readApiConfig(env);
  } catch (error) {
    if (!(error instanceof ApiConfigError)) throw error;
    issues.push(...error.issues);
  }
  try {
    database = readDatabaseConfig(env, { url: 'postgres://unset' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues.push(
      ...error.issues.map((issue) =>
        /expected number, received string/.test(issue.message)
          ? { key: issue.key, message: `must be a number, got ${JSON.stringify(env[issue.key])}` }
          : issue,
      ),
    );
  }
  const migrationUrl = env.DATABASE_MIGRATION_URL;
  if (migrationUrl && !/^postgres(ql)?:\/\//.test(migrationUrl)) {
    issues.push({
      key: 'DATABASE_MIGRATION_URL',
      message: 'must be a postgres:// or postgresql:// URL',
    });
  }
  const embeddedPort = env.EMBEDDED_POSTGRES_PORT;
  if (embeddedPort && !(/^\d+$/.test(embeddedPort) && Number(embeddedPort) <= 65_535)) {
    issues.push({ key: 'EMBEDDED_POSTGRES_PORT', message: 'must be a port number (0-65535)' });
  }
  if (issues.length > 0 || !api || !database) throw new SettingsError(issues);
  return { api, database };
}

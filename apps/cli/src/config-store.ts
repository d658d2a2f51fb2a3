import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError } from './cli-error';
import { EXIT } from './exit-codes';

/** What `trellis login` and `trellis workspaces use` remember. */
export interface StoredConfig {
  /** The API's tRPC endpoint. */
  url?: string;
  token?: string;
  email?: string;
  /** The default workspace's slug (`trellis workspaces use`). */
  workspace?: string;
}

/** `$XDG_CONFIG_HOME/trellis`, else `~/.config/trellis`. */
export function configDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME?.trim() ? env.XDG_CONFIG_HOME : path.join(homedir(), '.config');
  return path.join(base, 'trellis');
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) =>
  path.join(configDirectory(env), 'config.json');

export async function readConfig(): Promise<StoredConfig> {
  let text: string;
  try {
    text = await readFile(configFile(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  try {
    return JSON.parse(text) as StoredConfig;
  } catch {
    throw new CliError(
      `The config file ${configFile()} is not valid JSON: delete it and run trellis login`,
      EXIT.usage,
    );
  }
}

/**
 * Writes the config with mode 0600 in a 0700 folder: it holds a bearer token. The mode is set
 * again after writing, since an existing file keeps the mode it had.
 */
export async function writeConfig(config: StoredConfig): Promise<void> {
  const directory = configDirectory();
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const file = configFile();
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

export async function removeConfig(): Promise<void> {
  await rm(configFile(), { force: true });
}

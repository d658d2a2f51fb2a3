import {
  createTrellisClient,
  isNotFound,
  type TrellisClient,
  type WorkspaceDetail,
  type WorkspaceSummary,
} from '@trellis/client';
import { CliError, notFound, usageError } from './cli-error';
import { readConfig, type StoredConfig } from './config-store';
import { EXIT } from './exit-codes';

export const DEFAULT_URL = 'http://127.0.0.1:3000/trpc';

/** Options every command accepts. */
export interface GlobalOptions {
  json?: boolean;
  workspace?: string;
  url?: string;
}

/**
 * What a command works with: the stored config, a client for the API (signed in when a token
 * is stored) and lookups from the names people type (slugs, keys, emails) to the API's ids.
 */
export class Session {
  readonly url: string;
  readonly client: TrellisClient;
  private workspaceCache: Promise<WorkspaceDetail> | undefined;

  private constructor(
    readonly config: StoredConfig,
    readonly options: GlobalOptions,
  ) {
    this.url = options.url ?? process.env.TRELLIS_URL ?? config.url ?? DEFAULT_URL;
    const token = process.env.TRELLIS_TOKEN ?? config.token;
    // Two quick retries at most: a person is waiting for the answer.
    const retry = { retries: 2, baseDelayMs: 200, maxDelayMs: 5_000 };
    this.client = createTrellisClient({ url: this.url, ...(token ? { token } : {}), retry });
  }

  static async open(options: GlobalOptions): Promise<Session> {
    return new Session(await readConfig(), options);
  }

  /** Fails with the auth exit code unless a token is stored. */
  requireSignedIn(): void {
    if (!process.env.TRELLIS_TOKEN && !this.config.token) {
      throw new CliError('Not signed in: run trellis login', EXIT.auth);
    }
  }

  /**
   * The workspace to act in: --workspace, else the one chosen with `trellis workspaces use`,
   * else the first of the caller's workspaces.
   */
  workspace(): Promise<WorkspaceDetail> {
    this.workspaceCache ??= this.findWorkspace();
    return this.workspaceCache;
  }

  private async findWorkspace(): Promise<WorkspaceDetail> {
    this.requireSignedIn();
    const slug =
      this.options.workspace ?? this.config.workspace ?? (await this.firstWorkspace()).slug;
    try {
      return await this.client.workspaces.get.query({ slug });
    } catch (error) {
      if (isNotFound(error)) throw notFound(`No workspace "${slug}" (see trellis workspaces list)`);
      throw error;
    }
  }

  private async firstWorkspace(): Promise<WorkspaceSummary> {
    const [first] = await this.client.workspaces.list.query();
    if (!first) {
      throw notFound('You are in no workspace yet: create one with trellis workspaces create');
    }
    return first;
  }

  async project(key: string) {
    const workspace = await this.workspace();
    if (!/^[A-Za-z][A-Za-z0-9]{1,9}$/.test(key)) {
      throw usageError(`"${key}" is not a project key (2 to 10 letters or digits, like ENG)`);
    }
    try {
      return await this.client.projects.getByKey.query({ workspaceId: workspace.id, key });
    } catch (error) {
      if (isNotFound(error)) {
        throw notFound(
          `No project ${key.toUpperCase()} in ${workspace.slug} (see trellis projects list)`,
        );
      }
      throw error;
    }
  }

  async task(key: string) {
    const workspace = await this.workspace();
    if (!/^[A-Za-z][A-Za-z0-9]{1,9}-[1-9][0-9]*$/.test(key.trim())) {
      throw usageError(`"${key}" is not a task key (project key, dash, number: ENG-12)`);
    }
    try {
      return await this.client.tasks.getByKey.query({ workspaceId: workspace.id, key });
    } catch (error) {
      if (isNotFound(error)) throw notFound(`No task ${key.toUpperCase()} in ${workspace.slug}`);
      throw error;
    }
  }

  /** `me`, or a member's email, to a user id; `none` to null (unassigned). */
  async userId(who: string): Promise<string | null> {
    if (who === 'none') return null;
    if (who === 'me') return (await this.client.auth.me.query()).id;
    const workspace = await this.workspace();
    const member = workspace.members.find(
      (candidate) => candidate.user.email.toLowerCase() === who.trim().toLowerCase(),
    );
    if (!member) throw notFound(`${who} is not a member of ${workspace.slug}`);
    return member.user.id;
  }

  /** Label names (case-insensitive) to ids. */
  async labelIds(names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const workspace = await this.workspace();
    const labels = await this.client.labels.list.query({ workspaceId: workspace.id });
    return names.map((name) => {
      const label = labels.find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
      if (!label)
        throw notFound(`No label "${name}" in ${workspace.slug} (see trellis labels list)`);
      return label.id;
    });
  }
}

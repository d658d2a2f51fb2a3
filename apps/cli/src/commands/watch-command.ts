import {
  isNotFound,
  TrellisError,
  type ActivityEntry,
  type ActivityEvent,
  type TrellisClient,
  type WorkspaceDetail,
} from '@trellis/client';
import type { Command } from 'commander';
import {
  formatActivityLine,
  peopleOf,
  wantsTaskSnapshot,
  type LineContext,
  type TaskSnapshot,
} from '../activity-lines';
import { CliError, usageError } from '../cli-error';
import { examples, withSession } from '../command-kit';
import { EXIT } from '../exit-codes';
import { printLine } from '../output';
import type { GlobalOptions } from '../session';

export interface WatchSettings {
  /** One JSON object per line (`{"eventId":…,"entry":…}`) instead of sentences. */
  json: boolean;
  /** Replay the events after this event id first (the `eventId` of a line of --json). */
  after: string | undefined;
}

/** The options of `trellis watch` (its own and the global ones it reads), checked. */
export function parseWatchOptions(
  options: { after?: string | undefined },
  globals: Pick<GlobalOptions, 'json'>,
): WatchSettings {
  const after = options.after?.trim();
  if (after !== undefined && !/^(0|[1-9][0-9]{0,14})$/.test(after)) {
    throw usageError(
      `--after must be an event id (a whole number printed as eventId by --json), not "${options.after}"`,
    );
  }
  return { json: Boolean(globals.json), after };
}

/** A line of `--json`: the event's id (its position in the workspace's feed) and its entry. */
export function jsonLine(event: ActivityEvent): string {
  return JSON.stringify({ eventId: event.id, entry: event.data });
}

/**
 * What a line needs beyond its entry, fetched once and kept: people's names (the workspace's
 * members, read again only for a name not seen yet), and for a task.updated the task as it is
 * now, used only when it has not changed again since the entry (else the line names the fields).
 */
export class LineLookups {
  readonly #client: TrellisClient;
  readonly #slug: string;
  readonly #signal: AbortSignal;
  readonly #names = new Map<string, string>();
  /** Ids a reload of the members was already done for: not looked up again. */
  readonly #tried = new Set<string>();

  constructor(client: TrellisClient, workspace: WorkspaceDetail, signal: AbortSignal) {
    this.#client = client;
    this.#slug = workspace.slug;
    this.#signal = signal;
    this.#learnMembers(workspace);
  }

  #learnMembers(workspace: Pick<WorkspaceDetail, 'members'>): void {
    for (const member of workspace.members) this.#names.set(member.user.id, member.user.name);
  }

  async context(entry: ActivityEntry): Promise<LineContext> {
    this.#names.set(entry.actor.id, entry.actor.name);
    const missing = peopleOf(entry).filter((id) => !this.#names.has(id) && !this.#tried.has(id));
    if (missing.length > 0) {
      for (const id of missing) this.#tried.add(id);
      try {
        this.#learnMembers(
          await this.#client.workspaces.get.query({ slug: this.#slug }, { signal: this.#signal }),
        );
      } catch {
        // The line says "someone" instead.
      }
    }
    const names = this.#names;
    return {
      userName: (id) => names.get(id),
      task: wantsTaskSnapshot(entry) ? await this.#snapshot(entry) : undefined,
    };
  }

  async #snapshot(entry: ActivityEntry): Promise<TaskSnapshot | undefined> {
    try {
      const task = await this.#client.tasks.get.query(
        { id: entry.taskId! },
        { signal: this.#signal },
      );
      // Changed again after this entry (a later event will tell): its values are not this
      // entry's. The entry is written after the task in the same transaction.
      return task.updatedAt.getTime() <= entry.createdAt.getTime() ? task : undefined;
    } catch {
      // Deleted meanwhile, or unreachable: the line names the changed fields.
      return undefined;
    }
  }
}

/** A failure that ends the stream, as one line for the person watching. */
function watchFailure(error: unknown, slug: string): Error {
  if (!(error instanceof TrellisError)) {
    return error instanceof Error ? error : new Error(String(error));
  }
  if (error.code === 'FORBIDDEN') {
    return new CliError(`Stopped watching ${slug}: ${error.message}`, EXIT.auth);
  }
  if (error.code === 'TOO_MANY_REQUESTS') {
    return new CliError(`Cannot watch ${slug}: ${error.message}`, EXIT.unavailable);
  }
  if (isNotFound(error)) {
    return new CliError(`No workspace "${slug}" (see trellis workspaces list)`, EXIT.notFound);
  }
  return error;
}

const note = (text: string) => process.stderr.write(`${text}\n`);

/**
 * Prints the workspace's events until Ctrl-C (SIGINT), SIGTERM or a closed stdout (resolves:
 * exit 0), or until the stream ends for good (rejects: FORBIDDEN when removed, and the like).
 * A dropped stream is not an end: the client reconnects and resumes after the last event id
 * (also when the server ends it with SERVICE_UNAVAILABLE, on shutdown or for a slow reader).
 * Status goes to stderr, so stdout holds only the events.
 */
export function watchWorkspace(
  client: TrellisClient,
  workspace: WorkspaceDetail,
  settings: WatchSettings,
): Promise<void> {
  const stop = new AbortController();
  const lookups = new LineLookups(client, workspace, stop.signal);
  // Lines are printed in feed order, even when one waits for a lookup.
  let printed: Promise<void> = Promise.resolve();
  let connected = false;
  let lost = false;

  return new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (failure?: unknown) => {
      if (finished) return;
      finished = true;
      subscription.unsubscribe();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdout.off('error', onStdoutError);
      if (failure === undefined) {
        // Asked to stop: at once, without waiting for a lookup in flight.
        stop.abort();
        resolve();
      } else {
        // The stream ended: the events that arrived before are printed first.
        void printed.finally(() => {
          stop.abort();
          reject(watchFailure(failure, workspace.slug));
        });
      }
    };
    const onSignal = () => finish();
    const onStdoutError = (error: NodeJS.ErrnoException) => {
      // `trellis watch | head -3`: the reader left, which is a way to stop.
      if (error.code === 'EPIPE') finish();
      else finish(error);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.stdout.on('error', onStdoutError);

    // Not after Ctrl-C (stop aborted); after a failure, what arrived before it still prints.
    const show = async (event: ActivityEvent) => {
      if (stop.signal.aborted) return;
      if (settings.json) {
        printLine(jsonLine(event));
        return;
      }
      const context = await lookups.context(event.data);
      if (!stop.signal.aborted) printLine(formatActivityLine(event.data, context));
    };

    const subscription = client.activity.onEvent.subscribe(
      {
        workspaceId: workspace.id,
        ...(settings.after === undefined ? {} : { lastEventId: settings.after }),
      },
      {
        onStarted: () => {
          if (!connected) {
            connected = true;
            note(`Watching ${workspace.slug} (Ctrl-C to stop)`);
          } else if (lost) {
            lost = false;
            note('Reconnected');
          }
        },
        onData: (event) => {
          printed = printed.then(() => show(event)).catch((error: unknown) => finish(error));
        },
        onError: (error) => finish(error),
        onConnectionStateChange: (state) => {
          if (state.state === 'connecting' && state.error && connected && !lost) {
            lost = true;
            note(`Connection lost (${state.error.message}); reconnecting…`);
          }
        },
        onComplete: () => {
          if (!finished) {
            finish(
              new CliError(`The server ended the stream of ${workspace.slug}`, EXIT.unavailable),
            );
          }
        },
      },
    );
  });
}

export function registerWatchCommand(program: Command): void {
  examples(
    program
      .command('watch')
      .description(
        "Print the current workspace's activity as it happens, one line per event, until Ctrl-C (--workspace picks another; --json: one JSON object per line)",
      )
      .option(
        '--after <event-id>',
        'first replay the events after this one (an eventId that --json printed), then go live',
      )
      .action(
        withSession(async (session, options: { after?: string }) => {
          const settings = parseWatchOptions(options, session.options);
          session.requireSignedIn();
          const workspace = await session.workspace();
          await watchWorkspace(session.client, workspace, settings);
        }),
      ),
    'trellis watch',
    'trellis watch --workspace acme',
    'trellis watch --json | jq -r .entry.kind',
    'trellis watch --json --after 1042',
  );
}

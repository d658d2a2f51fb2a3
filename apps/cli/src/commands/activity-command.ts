import type { Command } from 'commander';
import { usageError } from '../cli-error';
import { examples, withSession } from '../command-kit';
import { dim, minute, printJson, printTable } from '../output';

/** What an entry says happened, from its kind and data (task key and title when present). */
function describe(entry: { kind: string; data: Record<string, unknown> }): string {
  const key = typeof entry.data.key === 'string' ? entry.data.key : '';
  const title = typeof entry.data.title === 'string' ? ` ${entry.data.title}` : '';
  const fields = Array.isArray(entry.data.fields) ? ` (${entry.data.fields.join(', ')})` : '';
  return `${key}${title}${fields}`.trim();
}

export function registerActivityCommand(program: Command): void {
  examples(
    program
      .command('activity')
      .description("The current workspace's activity, newest first")
      .option('--limit <n>', 'at most this many entries (1-100)', '20')
      .action(
        withSession(async (session, options: { limit: string }) => {
          if (!/^[1-9][0-9]*$/.test(options.limit)) {
            throw usageError(`--limit must be a positive integer, not "${options.limit}"`);
          }
          const workspace = await session.workspace();
          const entries = await session.client.activity.list.query({
            workspaceId: workspace.id,
            limit: Number(options.limit),
          });
          if (session.options.json) return printJson(entries);
          printTable(
            ['WHEN (UTC)', 'WHO', 'WHAT', ''],
            entries.map((entry) => [
              dim(minute(entry.createdAt)),
              entry.actor.email,
              entry.kind,
              describe(entry),
            ]),
            'No activity yet.',
          );
        }),
      ),
    'trellis activity',
    'trellis activity --limit 50 --json',
  );
}

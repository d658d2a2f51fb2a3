import type { Command } from 'commander';
import { examples, withSession } from '../command-kit';
import type { RouterOutputs } from '@trellis/client';
import { usageError } from '../cli-error';
import { bold, dim, minute, printJson, printLine, printTable } from '../output';

export function registerCommentCommands(program: Command): void {
  const comments = examples(
    program.command('comments').description('Comments on tasks'),
    'trellis comments add ENG-12 "Fixed in the last release"',
  );

  examples(
    comments
      .command('add')
      .description('Comment on a task')
      .argument('<key>', 'task key, e.g. ENG-12')
      .argument('<text>', 'the comment')
      .action(
        withSession(async (session, key: string, text: string) => {
          const task = await session.task(key);
          const comment = await session.client.comments.add.mutate({ taskId: task.id, body: text });
          if (session.options.json) return printJson(comment);
          printLine(`Commented on ${bold(task.key)}`);
        }),
      ),
    'trellis comments add ENG-12 "Fixed in the last release"',
  );

  examples(
    comments
      .command('list')
      .description("A task's comments, oldest first")
      .argument('<key>', 'task key, e.g. ENG-12')
      .option('--limit <n>', 'at most this many', '100')
      .action(
        withSession(async (session, key: string, options: { limit: string }) => {
          if (!/^[1-9][0-9]*$/.test(options.limit)) {
            throw usageError(`--limit must be a positive integer, not "${options.limit}"`);
          }
          const limit = Number(options.limit);
          const task = await session.task(key);
          const items: RouterOutputs['comments']['list']['items'] = [];
          let cursor: string | null = null;
          do {
            const page: RouterOutputs['comments']['list'] =
              await session.client.comments.list.query({
                taskId: task.id,
                limit: Math.min(100, limit - items.length),
                cursor,
              });
            items.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor && items.length < limit);
          if (session.options.json) return printJson(items);
          printTable(
            ['WHEN (UTC)', 'WHO', 'COMMENT'],
            items.map((comment) => [
              dim(minute(comment.createdAt)),
              comment.author.email,
              comment.body,
            ]),
            `No comments on ${task.key}.`,
          );
        }),
      ),
    'trellis comments list ENG-12',
    'trellis comments list ENG-12 --limit 500 --json',
  );
}

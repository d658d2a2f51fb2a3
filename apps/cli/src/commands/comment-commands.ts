import type { Command } from 'commander';
import { examples, withSession } from '../command-kit';
import { bold, printJson, printLine } from '../output';

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
}

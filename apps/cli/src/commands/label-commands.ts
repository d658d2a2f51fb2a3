import type { Command } from 'commander';
import { examples, withSession } from '../command-kit';
import { bold, printJson, printLine, printTable } from '../output';

export function registerLabelCommands(program: Command): void {
  const labels = examples(
    program.command('labels').description("The current workspace's labels"),
    'trellis labels list',
  );

  examples(
    labels
      .command('list')
      .description('List labels')
      .action(
        withSession(async (session) => {
          const workspace = await session.workspace();
          const list = await session.client.labels.list.query({ workspaceId: workspace.id });
          if (session.options.json) return printJson(list);
          printTable(
            ['NAME', 'COLOR'],
            list.map((label) => [label.name, label.color]),
            'No labels yet: trellis labels create <name>',
          );
        }),
      ),
    'trellis labels list --json',
  );

  examples(
    labels
      .command('create')
      .description('Create a label (member or above)')
      .argument('<name>', 'label name, unique in the workspace')
      .option('--color <hex>', 'colour as #rrggbb', '#6b7280')
      .action(
        withSession(async (session, name: string, options: { color: string }) => {
          const workspace = await session.workspace();
          const label = await session.client.labels.create.mutate({
            workspaceId: workspace.id,
            name,
            color: options.color,
          });
          if (session.options.json) return printJson(label);
          printLine(`Created label ${bold(label.name)} (${label.color})`);
        }),
      ),
    'trellis labels create bug --color "#d73a4a"',
  );
}

import type { Command } from 'commander';
import { examples, withSession } from '../command-kit';
import { bold, cyan, printJson, printLine, printTable } from '../output';

export function registerProjectCommands(program: Command): void {
  const projects = examples(
    program.command('projects').description("The current workspace's projects"),
    'trellis projects list',
  );

  examples(
    projects
      .command('list')
      .description('List projects with their open task counts')
      .action(
        withSession(async (session) => {
          const workspace = await session.workspace();
          const list = await session.client.projects.list.query({ workspaceId: workspace.id });
          if (session.options.json) return printJson(list);
          printTable(
            ['KEY', 'NAME', 'OPEN'],
            list.map((project) => [cyan(project.key), project.name, String(project.openTaskCount)]),
            `No projects in ${workspace.slug} yet: trellis projects create <KEY> <name>`,
          );
        }),
      ),
    'trellis projects list',
    'trellis projects list --workspace acme --json',
  );

  examples(
    projects
      .command('create')
      .description('Create a project (owner or admin); its key prefixes task keys')
      .argument('<key>', '2 to 10 upper-case letters or digits, e.g. ENG')
      .argument('<name>', 'display name')
      .action(
        withSession(async (session, key: string, name: string) => {
          const workspace = await session.workspace();
          const project = await session.client.projects.create.mutate({
            workspaceId: workspace.id,
            key,
            name,
          });
          if (session.options.json) return printJson(project);
          printLine(`Created project ${bold(project.key)} (${project.name}) in ${workspace.slug}`);
        }),
      ),
    'trellis projects create ENG Engineering',
  );
}

import { isNotFound } from '@trellis/client';
import type { Command } from 'commander';
import { notFound } from '../cli-error';
import { readConfig, writeConfig } from '../config-store';
import { examples, withSession } from '../command-kit';
import { bold, cyan, printJson, printLine, printTable } from '../output';

export function registerWorkspaceCommands(program: Command): Command {
  const workspaces = examples(
    program.command('workspaces').alias('ws').description('Workspaces you belong to'),
    'trellis workspaces list',
    'trellis workspaces use acme',
  );

  examples(
    workspaces
      .command('list')
      .description('List your workspaces (* marks the default)')
      .action(
        withSession(async (session) => {
          session.requireSignedIn();
          const list = await session.client.workspaces.list.query();
          if (session.options.json) return printJson(list);
          const chosen = session.options.workspace ?? session.config.workspace ?? list[0]?.slug;
          printTable(
            ['', 'SLUG', 'NAME', 'ROLE'],
            list.map((ws) => [ws.slug === chosen ? '*' : '', cyan(ws.slug), ws.name, ws.role]),
            'No workspaces yet: trellis workspaces create <slug> <name>',
          );
        }),
      ),
    'trellis workspaces list',
    'trellis workspaces list --json',
  );

  examples(
    workspaces
      .command('create')
      .description('Create a workspace; you become its owner')
      .argument('<slug>', 'short name for URLs and --workspace (lower-case, dashes)')
      .argument('<name>', 'display name')
      .action(
        withSession(async (session, slug: string, name: string) => {
          session.requireSignedIn();
          const created = await session.client.workspaces.create.mutate({ slug, name });
          if (session.options.json) return printJson(created);
          printLine(`Created workspace ${bold(created.slug)} (${created.name})`);
        }),
      ),
    'trellis workspaces create acme "Acme Inc."',
  );

  examples(
    workspaces
      .command('show')
      .description('Show a workspace and its members (default: the current one)')
      .argument('[slug]', 'workspace slug')
      .action(
        withSession(async (session, slug: string | undefined) => {
          session.requireSignedIn();
          let detail;
          try {
            detail = slug
              ? await session.client.workspaces.get.query({ slug })
              : await session.workspace();
          } catch (error) {
            if (isNotFound(error))
              throw notFound(`No workspace "${slug}" (see trellis workspaces list)`);
            throw error;
          }
          if (session.options.json) return printJson(detail);
          printLine(`${bold(detail.name)} (${cyan(detail.slug)}), your role: ${detail.role}`);
          printLine();
          printTable(
            ['EMAIL', 'NAME', 'ROLE'],
            detail.members.map((member) => [member.user.email, member.user.name, member.role]),
          );
        }),
      ),
    'trellis workspaces show',
    'trellis workspaces show acme --json',
  );

  examples(
    workspaces
      .command('use')
      .description('Make a workspace the default for later commands')
      .argument('<slug>', 'workspace slug')
      .action(
        withSession(async (session, slug: string) => {
          session.requireSignedIn();
          let detail;
          try {
            detail = await session.client.workspaces.get.query({ slug });
          } catch (error) {
            if (isNotFound(error))
              throw notFound(`No workspace "${slug}" (see trellis workspaces list)`);
            throw error;
          }
          await writeConfig({ ...(await readConfig()), workspace: detail.slug });
          if (session.options.json) return printJson({ workspace: detail.slug });
          printLine(`Now using ${bold(detail.slug)}`);
        }),
      ),
    'trellis workspaces use acme',
  );
  return workspaces;
}

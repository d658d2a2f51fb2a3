import type { RouterInputs, TaskDetail, TaskListItem } from '@trellis/client';
import { Argument, Option, type Command } from 'commander';
import { usageError } from '../cli-error';
import { collect, examples, withSession } from '../command-kit';
import {
  bold,
  colourStatus,
  cyan,
  day,
  dim,
  minute,
  printJson,
  printLine,
  printTable,
} from '../output';
import { ask } from '../prompt';
import type { Session } from '../session';

const STATUSES = ['backlog', 'todo', 'in_progress', 'done', 'canceled'] as const;
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;

const statusOption = (flags: string, description: string) =>
  new Option(flags, description).choices(STATUSES);
const priorityOption = () => new Option('--priority <priority>', 'priority').choices(PRIORITIES);

/** `2026-12-01` → a Date at UTC midnight; `none` → null (for --due). */
function parseDue(value: string): Date | null {
  if (value === 'none') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw usageError(`--due must be a date like 2026-12-31 (or none), not "${value}"`);
  }
  return new Date(`${value}T00:00:00.000Z`);
}

function parseVersion(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value))
    throw usageError(`--if-version must be a positive integer, not "${value}"`);
  return Number(value);
}

function parseLimit(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value))
    throw usageError(`--limit must be a positive integer, not "${value}"`);
  return Number(value);
}

const assigneeOf = (task: { assignee: { email: string } | null }) => task.assignee?.email ?? '';
const labelsOf = (task: { labels: Array<{ name: string }> }) =>
  task.labels.map((label) => label.name).join(',');

function printTaskTable(items: TaskListItem[], empty: string): void {
  printTable(
    ['KEY', 'STATUS', 'PRIORITY', 'ASSIGNEE', 'LABELS', 'TITLE'],
    items.map((task) => [
      cyan(task.key),
      colourStatus(task.status),
      task.priority,
      assigneeOf(task),
      labelsOf(task),
      task.title,
    ]),
    empty,
  );
}

function printTask(task: TaskDetail): void {
  printLine(`${bold(task.key)}  ${task.title}`);
  const rows: Array<[string, string]> = [
    ['Project', `${task.project.key} (${task.project.name})`],
    ['Status', colourStatus(task.status)],
    ['Priority', task.priority],
    ['Assignee', task.assignee ? `${task.assignee.name} <${task.assignee.email}>` : dim('none')],
    ['Reporter', `${task.reporter.name} <${task.reporter.email}>`],
    ['Labels', labelsOf(task) || dim('none')],
    ['Due', day(task.dueDate) || dim('none')],
    ['Version', String(task.version)],
    ['Updated', minute(task.updatedAt)],
  ];
  for (const [name, value] of rows) printLine(`${dim(name.padEnd(9))} ${value}`);
  if (task.description) {
    printLine();
    printLine(task.description);
  }
  if (task.comments.length > 0) {
    printLine();
    printLine(bold('Comments'));
    for (const comment of task.comments) {
      printLine(`${dim(minute(comment.createdAt))} ${comment.author.name}: ${comment.body}`);
    }
    // The API sends the first comments with the task; the rest come page by page.
    if (task.commentsCursor) printLine(dim(`(more: trellis comments list ${task.key})`));
  }
}

interface ChangeOptions {
  title?: string;
  description?: string;
  status?: (typeof STATUSES)[number];
  priority?: (typeof PRIORITIES)[number];
  assignee?: string;
  label?: string[];
  due?: string;
  ifVersion?: string;
}

/** Applies a change to the task `key` names: with --version, only if it is still that version. */
async function updateTask(
  session: Session,
  key: string,
  change: Omit<RouterInputs['tasks']['update'], 'id' | 'version'>,
  expectedVersion: string | undefined,
) {
  const task = await session.task(key);
  const version = expectedVersion === undefined ? task.version : parseVersion(expectedVersion);
  return session.client.tasks.update.mutate({ id: task.id, version, ...change });
}

async function changesFrom(session: Session, options: ChangeOptions) {
  return {
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.description !== undefined
      ? { description: options.description === '' ? null : options.description }
      : {}),
    ...(options.status ? { status: options.status } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.assignee !== undefined
      ? { assigneeId: await session.userId(options.assignee) }
      : {}),
    ...(options.label ? { labelIds: await session.labelIds(options.label) } : {}),
    ...(options.due !== undefined ? { dueDate: parseDue(options.due) } : {}),
  };
}

export function registerTaskCommands(program: Command): void {
  const tasks = examples(
    program.command('tasks').description('Tasks, addressed by key (ENG-12)'),
    'trellis tasks list ENG --status todo --assignee me',
    'trellis tasks create ENG "Fix the login page" --label bug',
    'trellis tasks move ENG-12 done',
  );

  examples(
    tasks
      .command('list')
      .description("List a project's tasks, newest first")
      .argument('<project>', 'project key, e.g. ENG')
      .addOption(statusOption('--status <status>', 'only tasks with this status'))
      .option('--assignee <who>', 'only tasks of this member: me, an email, or none')
      .option('--label <name>', 'only tasks with this label')
      .option('--search <words>', 'words of the title')
      .option('--limit <n>', 'at most this many (1-100)', '50')
      .action(
        withSession(
          async (
            session,
            projectKey: string,
            options: {
              status?: string;
              assignee?: string;
              label?: string;
              search?: string;
              limit: string;
            },
          ) => {
            const project = await session.project(projectKey);
            const input: RouterInputs['tasks']['list'] = {
              projectId: project.id,
              limit: parseLimit(options.limit),
              ...(options.status ? { status: options.status as (typeof STATUSES)[number] } : {}),
              ...(options.assignee !== undefined
                ? { assigneeId: await session.userId(options.assignee) }
                : {}),
              ...(options.label ? { labelId: (await session.labelIds([options.label]))[0]! } : {}),
              ...(options.search ? { search: options.search } : {}),
            };
            const page = await session.client.tasks.list.query(input);
            if (session.options.json) return printJson(page);
            printTaskTable(page.items, `No tasks in ${project.key} match.`);
            if (page.nextCursor) printLine(dim(`(more: raise --limit, up to 100)`));
          },
        ),
      ),
    'trellis tasks list ENG',
    'trellis tasks list ENG --status todo --assignee me',
    'trellis tasks list ENG --label bug --json',
  );

  examples(
    tasks
      .command('show')
      .description('Show a task with its comments')
      .argument('<key>', 'task key, e.g. ENG-12')
      .action(
        withSession(async (session, key: string) => {
          const task = await session.task(key);
          if (session.options.json) return printJson(task);
          printTask(task);
        }),
      ),
    'trellis tasks show ENG-12',
    'trellis tasks show ENG-12 --json',
  );

  examples(
    tasks
      .command('create')
      .description('Create a task in a project')
      .argument('<project>', 'project key, e.g. ENG')
      .argument('<title>', 'task title')
      .option('--description <text>', 'longer text')
      .addOption(statusOption('--status <status>', 'initial status (default todo)'))
      .addOption(priorityOption())
      .option('--assignee <who>', 'me or a member email')
      .option('--label <name>', 'a label (repeat for several)', collect)
      .option('--due <date>', 'due date, YYYY-MM-DD')
      .action(
        withSession(async (session, projectKey: string, title: string, options: ChangeOptions) => {
          const project = await session.project(projectKey);
          const change = await changesFrom(session, options);
          const task = await session.client.tasks.create.mutate({
            ...change,
            projectId: project.id,
            title,
          });
          if (session.options.json) return printJson(task);
          printLine(`Created ${bold(task.key)}: ${task.title}`);
        }),
      ),
    'trellis tasks create ENG "Fix the login page"',
    'trellis tasks create ENG "Fix the login page" --assignee me --label bug --priority high',
  );

  examples(
    tasks
      .command('update')
      .description('Change a task (only the fields given)')
      .argument('<key>', 'task key, e.g. ENG-12')
      .option('--title <text>', 'new title')
      .option('--description <text>', 'new description ("" removes it)')
      .addOption(statusOption('--status <status>', 'new status'))
      .addOption(priorityOption())
      .option('--assignee <who>', 'me, a member email, or none')
      .option('--label <name>', 'replace the labels (repeat for several)', collect)
      .option('--due <date>', 'due date YYYY-MM-DD, or none')
      .option('--if-version <n>', 'fail with a conflict unless the task is still at this version')
      .action(
        withSession(async (session, key: string, options: ChangeOptions) => {
          const change = await changesFrom(session, options);
          if (Object.keys(change).length === 0) {
            throw usageError(
              'Nothing to change: give at least one of --title, --status, … (see --help)',
            );
          }
          const task = await updateTask(session, key, change, options.ifVersion);
          if (session.options.json) return printJson(task);
          printLine(`Updated ${bold(task.key)} (version ${task.version})`);
        }),
      ),
    'trellis tasks update ENG-12 --title "Fix the sign-in page" --priority urgent',
    'trellis tasks update ENG-12 --assignee none --if-version 3',
  );

  examples(
    tasks
      .command('move')
      .description('Change the status of a task')
      .argument('<key>', 'task key, e.g. ENG-12')
      .addArgument(new Argument('<status>', 'new status').choices(STATUSES))
      .option('--if-version <n>', 'fail with a conflict unless the task is still at this version')
      .action(
        withSession(
          async (
            session,
            key: string,
            status: (typeof STATUSES)[number],
            options: { ifVersion?: string },
          ) => {
            const task = await updateTask(session, key, { status }, options.ifVersion);
            if (session.options.json) return printJson(task);
            printLine(`${bold(task.key)} → ${colourStatus(task.status)}`);
          },
        ),
      ),
    'trellis tasks move ENG-12 done',
    'trellis tasks move ENG-12 in_progress --if-version 4',
  );

  examples(
    tasks
      .command('delete')
      .description('Delete a task and its comments')
      .argument('<key>', 'task key, e.g. ENG-12')
      .option('--yes', 'do not ask for confirmation (needed without a terminal)')
      .action(
        withSession(async (session, key: string, options: { yes?: boolean }) => {
          const task = await session.task(key);
          if (!options.yes) {
            if (!process.stdin.isTTY)
              throw usageError('Refusing to delete without --yes (no terminal to ask)');
            const answer = await ask(`Delete ${task.key} "${task.title}"? [y/N] `);
            if (!/^y(es)?$/i.test(answer.trim())) {
              printLine('Not deleted');
              return;
            }
          }
          const result = await session.client.tasks.delete.mutate({ id: task.id });
          if (session.options.json) return printJson(result);
          printLine(`Deleted ${bold(task.key)}`);
        }),
      ),
    'trellis tasks delete ENG-12',
    'trellis tasks delete ENG-12 --yes',
  );
}

/**
 * The growth measurement itself; bench/src/growth/run.ts starts it under the `development`
 * condition (the work tree's source of the product, never a stale build). See run.ts.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ensureGrowthDataset, type GrowthDataset } from './dataset';
import { startTrellis, type RunningTrellis } from './trellis-process';

/** Exit code for a mistake in the arguments (1 is a row beyond 2×). */
const USAGE_ERROR = 2;

const { values: args } = parseArgs({
  options: {
    small: { type: 'string', default: '20000' },
    large: { type: 'string', default: '1000000' },
    samples: { type: 'string', default: '100' },
    warmup: { type: 'string', default: '10' },
    out: {
      type: 'string',
      default: fileURLToPath(new URL('../../results/growth.md', import.meta.url)),
    },
  },
});

function wholeNumber(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    process.stderr.write(`--${name} must be a whole number of at least ${min}, got ${text}\n`);
    process.exit(USAGE_ERROR);
  }
  return value;
}

const sizes = {
  small: wholeNumber('small', args.small, 1_000),
  large: wholeNumber('large', args.large, 1_000),
};
const samples = wholeNumber('samples', args.samples, 1);
const warmup = wholeNumber('warmup', args.warmup, 0);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const nameOf = (tasks: number) =>
  `trellis_growth_${tasks % 1_000_000 === 0 ? `${tasks / 1_000_000}m` : tasks % 1_000 === 0 ? `${tasks / 1_000}k` : tasks}`;

/** What a row needs from a dataset besides its ids: a task to read and a rare title word. */
interface Subjects {
  dataset: GrowthDataset;
  project: { id: string; key: string; tasks: number };
  taskId: string;
  rareWord: string;
  bob: string;
  docs: string;
}

async function subjectsOf(dataset: GrowthDataset): Promise<Subjects> {
  const project = dataset.projects[0]!;
  const client = new pg.Client({ connectionString: dataset.url });
  await client.connect();
  try {
    const task = await client.query<{ id: string }>(
      `select t.id from tasks t
       where t.project_id = $1
         and exists (select 1 from comments c where c.task_id = t.id)
         and exists (select 1 from task_labels l where l.task_id = t.id)
       order by t.number desc limit 1`,
      [project.id],
    );
    // The "#n" of one title: a word exactly one task holds.
    const rare = await client.query<{ word: string }>(
      `select substring(title from '#([0-9]+)$') as word from tasks
       where project_id = $1 order by number desc offset $2 limit 1`,
      [project.id, Math.min(1_000, Math.floor(project.tasks / 2))],
    );
    return {
      dataset,
      project,
      taskId: task.rows[0]!.id,
      rareWord: rare.rows[0]!.word,
      bob: dataset.writerIds[1]!,
      docs: dataset.labelIds[2]!,
    };
  } finally {
    await client.end();
  }
}

const cursorBefore = (number: number) => Buffer.from(`n:${number}`, 'utf8').toString('base64url');

interface Row {
  name: string;
  procedure: string;
  input: (s: Subjects) => unknown;
}

const list = (extra: (s: Subjects) => Record<string, unknown>) => (s: Subjects) => ({
  projectId: s.project.id,
  ...extra(s),
});

const ROWS: Row[] = [
  { name: 'tasks.list page 1', procedure: 'tasks.list', input: list(() => ({})) },
  {
    name: 'tasks.list page 100 (by cursor)',
    procedure: 'tasks.list',
    // The 100th page of 50 starts below the last number of page 99.
    input: list((s) => ({ cursor: cursorBefore(Math.max(2, s.project.tasks - 99 * 50 + 1)) })),
  },
  {
    name: 'status = backlog',
    procedure: 'tasks.list',
    input: list(() => ({ status: 'backlog' })),
  },
  { name: 'assignee = bob', procedure: 'tasks.list', input: list((s) => ({ assigneeId: s.bob })) },
  { name: 'unassigned', procedure: 'tasks.list', input: list(() => ({ assigneeId: null })) },
  { name: 'label = docs', procedure: 'tasks.list', input: list((s) => ({ labelId: s.docs })) },
  {
    name: 'search "cache" (a frequent word)',
    procedure: 'tasks.list',
    input: list(() => ({ search: 'cache' })),
  },
  {
    name: 'search "zebra" (matches nothing)',
    procedure: 'tasks.list',
    input: list(() => ({ search: 'zebra' })),
  },
  {
    name: 'search one task\'s "#n" (one match)',
    procedure: 'tasks.list',
    input: list((s) => ({ search: s.rareWord })),
  },
  {
    name: 'status + assignee',
    procedure: 'tasks.list',
    input: list((s) => ({ status: 'backlog', assigneeId: s.bob })),
  },
  {
    name: 'status + label',
    procedure: 'tasks.list',
    input: list((s) => ({ status: 'backlog', labelId: s.docs })),
  },
  {
    name: 'assignee + search "cache"',
    procedure: 'tasks.list',
    input: list((s) => ({ assigneeId: s.bob, search: 'cache' })),
  },
  {
    name: 'status + search "zebra"',
    procedure: 'tasks.list',
    input: list(() => ({ status: 'todo', search: 'zebra' })),
  },
  {
    name: 'status + assignee + label + search "cache"',
    procedure: 'tasks.list',
    input: list((s) => ({
      status: 'backlog',
      assigneeId: s.bob,
      labelId: s.docs,
      search: 'cache',
    })),
  },
  { name: 'tasks.get', procedure: 'tasks.get', input: (s) => ({ id: s.taskId }) },
  {
    name: 'projects.list',
    procedure: 'projects.list',
    input: (s) => ({ workspaceId: s.dataset.workspaceId }),
  },
];

interface Target {
  label: string;
  subjects: Subjects;
  trellis: RunningTrellis;
}

/** One request; its duration in ms. A failed answer stops the run: its time would mean nothing. */
async function timeRequest(target: Target, row: Row): Promise<number> {
  const input = encodeURIComponent(JSON.stringify({ json: row.input(target.subjects) }));
  const started = performance.now();
  const response = await fetch(`${target.trellis.origin}/trpc/${row.procedure}?input=${input}`, {
    headers: { authorization: `Bearer ${target.subjects.dataset.token}` },
  });
  const body = await response.text();
  const elapsed = performance.now() - started;
  if (!response.ok) {
    throw new Error(
      `${row.name} at ${target.label}: HTTP ${response.status} ${body.slice(0, 300)}`,
    );
  }
  return elapsed;
}

interface Summary {
  p50: number;
  p99: number;
  max: number;
}

function summarise(times: number[]): Summary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}

const ms = (value: number) => value.toFixed(1);

async function serverVersion(): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return (await client.query<{ v: string }>("select current_setting('server_version') as v"))
      .rows[0]!.v;
  } finally {
    await client.end();
  }
}

async function main(): Promise<number> {
  const progress = (message: string) => process.stdout.write(`${message}\n`);
  const targets: Target[] = [];
  try {
    for (const [label, tasks] of [
      ['small', sizes.small],
      ['large', sizes.large],
    ] as const) {
      const dataset = await ensureGrowthDataset(serverUrl, nameOf(tasks), tasks, progress);
      const subjects = await subjectsOf(dataset);
      progress(`starting Trellis on ${nameOf(tasks)}`);
      targets.push({ label, subjects, trellis: await startTrellis(dataset.url) });
    }
    const [small, large] = targets as [Target, Target];
    const times = ROWS.map(() => ({ small: [] as number[], large: [] as number[] }));
    const rounds = warmup + samples;
    for (let round = 0; round < rounds; round += 1) {
      for (const [index, row] of ROWS.entries()) {
        // Alternate which size goes first, so neither always meets a warmer cache.
        const order = round % 2 === 0 ? [small, large] : [large, small];
        for (const target of order) {
          const elapsed = await timeRequest(target, row);
          if (round >= warmup) times[index]![target.label as 'small' | 'large'].push(elapsed);
        }
      }
      if ((round + 1) % 10 === 0 || round + 1 === rounds) {
        progress(`measured ${round + 1}/${rounds} rounds (${warmup} of warm-up)`);
      }
    }

    const lines: string[] = [];
    let failures = 0;
    lines.push(
      '| row | small p50 / p99 / max (ms) | large p50 / p99 / max (ms) | ratio p50 | ratio p99 | within 2× |',
      '|---|---|---|---|---|---|',
    );
    for (const [index, row] of ROWS.entries()) {
      const a = summarise(times[index]!.small);
      const b = summarise(times[index]!.large);
      const r50 = b.p50 / a.p50;
      const r99 = b.p99 / a.p99;
      const ok = r50 <= 2 && r99 <= 2;
      if (!ok) failures += 1;
      lines.push(
        `| ${row.name} | ${ms(a.p50)} / ${ms(a.p99)} / ${ms(a.max)} | ${ms(b.p50)} / ${ms(b.p99)} / ${ms(b.max)} | ${r50.toFixed(2)} | ${r99.toFixed(2)} | ${ok ? 'yes' : '**no**'} |`,
      );
    }
    const version = await serverVersion();
    const report = [
      '# Growth: the same requests at two sizes',
      '',
      `Written by \`bench/src/growth/run.ts\` on ${new Date().toISOString()}.`,
      '',
      `- Datasets: the demo workspace's shape (3 projects, 5 labels, 3 writers and a viewer) at ${sizes.small.toLocaleString('en')} and ${sizes.large.toLocaleString('en')} tasks; rows read the biggest project (${small.subjects.project.tasks.toLocaleString('en')} and ${large.subjects.project.tasks.toLocaleString('en')} tasks).`,
      `- One request at a time over HTTP with keep-alive, the two sizes alternating; ${warmup} warm-up rounds, then ${samples} samples per row and size. Pages of 50.`,
      `- Trellis from this work tree's source (tsx), one process per database, pool of 10. PostgreSQL ${version}; Node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB.`,
      '- A row passes when its p50 and its p99 at the large size are at most twice those at the small size.',
      '',
      ...lines,
      '',
      failures === 0 ? 'Every row stays within 2×.' : `${failures} row(s) grow by more than 2×.`,
      '',
      '## What keeps the rows flat',
      '',
      '- Pages walk `(project_id, number)` backwards (keyset), or `(project_id, status, number)`, `(project_id, assignee_id, number)` or `(project_id, status, assignee_id, number)` when those filter: a page reads about its own rows at any size.',
      "- Each title's words are stored (`tasks.title_words`, a generated column with the GIN index): a walk that also filters by search tests a row without computing `to_tsvector` again (about 2 µs a row, most of the four-filter row's time at 1M before).",
      '- A search first probes the GIN index (or, for a frequent word, the walk) for up to a page and one of matches: few matches are fetched by id, so a word no title contains costs a few buffers instead of a walk through the whole project (1.3-2 s at 1M before).',
      "- `projects.list` reads open-task counts from `task_open_counts` (kept by triggers on `tasks`, 16 rows per project) instead of counting the project's open tasks.",
      '- Known limit: filters that together match a small fraction of a big project still walk about 1/fraction rows of their index at 1M, while at 20k the whole filtered set is small. The four-filter row (0.05% of the project) walks 2,500 rows of `(project_id, status, assignee_id, number)` for its 51: about 2.5 ms of its statement, which is why it sits nearest the 2× line.',
      '',
    ].join('\n');
    await mkdir(dirname(args.out), { recursive: true });
    await writeFile(args.out, report);
    process.stdout.write(`\n${lines.join('\n')}\n\nwrote ${args.out}\n`);
    return failures === 0 ? 0 : 1;
  } finally {
    await Promise.all(targets.map((target) => target.trellis.stop()));
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `growth run failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);

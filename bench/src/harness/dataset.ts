import { Migrator, type Database } from '@trellis/db';
import { allMigrations } from '@trellis/api';
import { signUp } from '@trellis/identity';
import { createLabel } from '@trellis/labels';
import { createProject } from '@trellis/projects';
import { importTasks } from '@trellis/tasks';
import { workspaceWith, type Person } from '@trellis/workspaces/testing';
import { SeededRandom } from './seeded-random';

export interface DatasetShape {
  workspaces: number;
  projectsPerWorkspace: number;
  tasks: number;
}

/** What the load generator needs to build requests: ids and the token of a member for each. */
export interface Dataset {
  shape: DatasetShape;
  /** Bearer tokens of members (any of them may call auth.me). */
  tokens: string[];
  projects: Array<{ id: string; workspaceId: string; token: string }>;
  /** A fixed sample of tasks to read, each with a member's token. */
  tasks: Array<{ id: string; projectId: string; token: string }>;
  comments: number;
}

const STATUSES = ['todo', 'in_progress', 'done', 'canceled'] as const;
const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;
const WORDS = ['Fix', 'Add', 'Refactor', 'Document', 'Test', 'Remove', 'Speed up', 'Review'];
const THINGS = ['login page', 'search', 'billing', 'export', 'webhooks', 'sync', 'cache', 'audit'];
const BATCH = 500;
const SAMPLE = 1_000;

/**
 * The benchmark's fixed dataset, built through the modules' own services (one seed, the same
 * data every run): `workspaces` workspaces of four members each, `projectsPerWorkspace`
 * projects each, `tasks` tasks spread evenly, each with one to three labels and zero to four
 * comments.
 */
export async function seedDataset(
  db: Database,
  shape: DatasetShape,
  onProgress: (written: number, total: number) => void,
): Promise<Dataset> {
  await new Migrator(db, allMigrations).latest();
  const random = new SeededRandom(20261130);
  const dataset: Dataset = { shape, tokens: [], projects: [], tasks: [], comments: 0 };
  const setups: Array<{
    projectIds: string[];
    labelIds: string[];
    members: Person[];
    tokens: string[];
  }> = [];

  for (let w = 0; w < shape.workspaces; w += 1) {
    const members: Person[] = [];
    const tokens: string[] = [];
    await db.transaction(async (session) => {
      for (let m = 0; m < 4; m += 1) {
        const { user, token } = await signUp(session, {
          email: `bench-${w}-${m}@bench.test`,
          password: `bench-password-${w}-${m}`,
          name: `Bench ${w}.${m}`,
        });
        members.push({ ...user, userId: user.id });
        tokens.push(token);
      }
    });
    const [owner, ...others] = members as [Person, ...Person[]];
    const workspaceId = await workspaceWith(
      db,
      owner,
      `bench-${w}`,
      others.map((person) => [person, 'member'] as const),
    );
    const { projectIds, labelIds } = await db.transaction(async (session) => {
      const projectIds: string[] = [];
      for (let p = 0; p < shape.projectsPerWorkspace; p += 1) {
        const project = await createProject(session, owner, {
          workspaceId,
          key: `P${w}X${p}`,
          name: `Project ${w}.${p}`,
        });
        projectIds.push(project.id);
      }
      const labelIds: string[] = [];
      for (const name of ['bug', 'feature', 'chore', 'docs', 'performance', 'security']) {
        labelIds.push(
          (await createLabel(session, owner, { workspaceId, name, color: '#0075ca' })).id,
        );
      }
      return { projectIds, labelIds };
    });
    setups.push({ projectIds, labelIds, members, tokens });
    dataset.tokens.push(...tokens);
    for (const id of projectIds) {
      dataset.projects.push({ id, workspaceId, token: tokens[1]! });
    }
  }

  const projectCount = dataset.projects.length;
  let written = 0;
  for (const [index, project] of dataset.projects.entries()) {
    const setup = setups[Math.floor(index / shape.projectsPerWorkspace)]!;
    const perProject =
      Math.floor(shape.tasks / projectCount) + (index < shape.tasks % projectCount ? 1 : 0);
    for (let done = 0; done < perProject; done += BATCH) {
      const size = Math.min(BATCH, perProject - done);
      const author = random.pick(setup.members);
      const result = await db.transaction((session) =>
        importTasks(session, author, {
          projectId: project.id,
          tasks: Array.from({ length: size }, (_, n) => ({
            title: `${random.pick(WORDS)} ${random.pick(THINGS)} ${done + n + 1}`,
            description: random.next() < 0.5 ? 'Seeded by pnpm bench.' : null,
            status: random.pick(STATUSES),
            priority: random.pick(PRIORITIES),
            assigneeId: random.next() < 0.7 ? random.pick(setup.members).id : null,
            labelIds: random.some(setup.labelIds, 1 + Math.floor(random.next() * 3)),
            dueDate: null,
            comments: Array.from({ length: Math.floor(random.next() * 5) }, (_, c) => ({
              authorId: random.pick(setup.members).id,
              body: `Comment ${c + 1} on a seeded task.`,
            })),
          })),
        }),
      );
      dataset.comments += result.comments;
      written += size;
      onProgress(written, shape.tasks);
    }
  }

  // A fixed sample of tasks to read, spread over every project.
  const sample = await db.read((session) =>
    session.raw<{ rows: Array<{ id: string; project_id: string }> }>(
      'select id, project_id from tasks order by md5(id::text) limit ?',
      [SAMPLE],
    ),
  );
  const tokenOf = new Map(dataset.projects.map((project) => [project.id, project.token]));
  dataset.tasks = sample.rows.map((row) => ({
    id: row.id,
    projectId: row.project_id,
    token: tokenOf.get(row.project_id)!,
  }));
  return dataset;
}

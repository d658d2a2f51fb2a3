import type { Dataset } from './dataset';
import { SeededRandom } from './seeded-random';

export type ScenarioName = 'auth.me' | 'tasks.get' | 'tasks.list' | 'tasks.create' | 'mix' | 'noop';

/** One HTTP request as autocannon sends it. */
export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Scenario {
  readonly name: ScenarioName;
  readonly summary: string;
  /** The next request; every call may differ (ids and tokens rotate through the dataset). */
  next(): RequestSpec;
}

const query = (procedure: string, token: string | undefined, input?: unknown): RequestSpec => ({
  method: 'GET',
  path:
    `/trpc/${procedure}` +
    (input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`),
  headers: token ? { authorization: `Bearer ${token}` } : {},
});

const mutation = (procedure: string, token: string, input: unknown): RequestSpec => ({
  method: 'POST',
  path: `/trpc/${procedure}`,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ json: input }),
});

/** The scenarios of the issue, each drawing from the dataset with its own fixed seed. */
export function buildScenario(name: ScenarioName, dataset: Dataset): Scenario {
  const random = new SeededRandom(name.length * 7919);
  const me = () => query('auth.me', random.pick(dataset.tokens));
  const get = () => {
    const task = random.pick(dataset.tasks);
    return query('tasks.get', task.token, { id: task.id });
  };
  const list = () => {
    const project = random.pick(dataset.projects);
    return query('tasks.list', project.token, { projectId: project.id, limit: 50 });
  };
  let created = 0;
  const create = () => {
    const project = random.pick(dataset.projects);
    created += 1;
    return mutation('tasks.create', project.token, {
      projectId: project.id,
      title: `Benchmark task ${created}`,
      priority: 'medium',
    });
  };
  switch (name) {
    case 'auth.me':
      return { name, summary: 'the caller, from the bearer token', next: me };
    case 'tasks.get':
      return { name, summary: 'one task with labels, users and comments', next: get };
    case 'tasks.list':
      return {
        name,
        summary: 'a page of 50 tasks with users, labels and comment counts',
        next: list,
      };
    case 'tasks.create':
      return { name, summary: 'a new task (number allocation, activity entry)', next: create };
    case 'mix':
      return {
        name,
        summary: '80% reads (get 30%, list 30%, me 20%), 20% tasks.create',
        next: () => {
          const draw = random.next();
          return draw < 0.3 ? get() : draw < 0.6 ? list() : draw < 0.8 ? me() : create();
        },
      };
    case 'noop':
      return { name, summary: 'a no-op tRPC query', next: () => query('noop', undefined) };
  }
}

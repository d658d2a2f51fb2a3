import type { Pool, QueryConfig } from 'pg';
import { COMMENTS_FIRST_PAGE } from '../trellis-page-bounds';
import type { ListTasksInput } from './input';

/**
 * The baseline's SQL: ONE statement per request, prepared (named) once per connection. Each
 * statement authenticates the token (hash lookup, not revoked, not expired), checks the
 * membership and reads everything the answer needs; dates leave PostgreSQL already formatted
 * as JavaScript's `toISOString()` writes them (UTC, milliseconds truncated like a JS Date).
 */

const iso = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The signed-in user of a token hash: the first CTE of every statement. */
const ME = `
  me as (
    select u.id, u.email, u.name
    from auth_tokens a
    join users u on u.id = a.user_id
    where a.token_hash = $1 and a.revoked_at is null and a.expires_at > now()
  )`;

export interface UserRow {
  id: string;
  email: string;
  name: string;
}

export async function findUser(pool: Pool, tokenHash: string): Promise<UserRow | undefined> {
  const result = await pool.query<UserRow>({
    name: 'baseline_auth_me',
    text: `with ${ME} select id, email, name from me`,
    values: [tokenHash],
  });
  return result.rows[0];
}

/** A label as json_build_array(id, name, color). */
export type LabelTuple = [string, string, string];

/** The columns of a task both statements read, users joined, labels aggregated. */
const TASK_COLUMNS = `
  t.id, t.project_id, t.number, t.title, t.description, t.status, t.priority,
  ${iso('t.due_date')} as due_date, t.version,
  ${iso('t.created_at')} as created_at, ${iso('t.updated_at')} as updated_at,
  t.assignee_id, assignee.email as assignee_email, assignee.name as assignee_name,
  t.reporter_id, reporter.email as reporter_email, reporter.name as reporter_name,
  (select json_agg(json_build_array(l.id, l.name, l.color))
     from task_labels tl join labels l on l.id = tl.label_id
    where tl.task_id = t.id) as labels`;

const TASK_USERS = `
  join users reporter on reporter.id = t.reporter_id
  left join users assignee on assignee.id = t.assignee_id`;

export interface TaskRow {
  id: string;
  project_id: string;
  number: number;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  due_date: string | null;
  version: number;
  created_at: string;
  updated_at: string;
  assignee_id: string | null;
  assignee_email: string | null;
  assignee_name: string | null;
  reporter_id: string;
  reporter_email: string;
  reporter_name: string;
  labels: LabelTuple[] | null;
}

/**
 * A comment as json_build_array(id, body, created_at, author id, author email, author name);
 * the first COMMENTS_FIRST_PAGE + 1 of the task (one more tells whether there are more).
 */
export type CommentTuple = [string, string, string, string, string, string];

export interface TaskDetailRow extends TaskRow {
  project_key: string;
  project_name: string;
  comments: CommentTuple[] | null;
}

/**
 * `user_id` null: the token is not valid. A user but no task: the task does not exist or is in
 * a workspace the user is not a member of (the same answer for both).
 */
export type GetTaskResult = { user: false } | { user: true; task: TaskDetailRow | undefined };

const GET_TASK: QueryConfig = {
  name: 'baseline_tasks_get',
  text: `
    with ${ME}
    select me.id as user_id, task.*
    from me
    left join lateral (
      select ${TASK_COLUMNS},
        p.key as project_key, p.name as project_name,
        (select json_agg(json_build_array(c.id, c.body, ${iso('c.created_at')},
                                          c.author_id, author.email, author.name)
                         order by c.created_at, c.id)
           from (select * from comments c where c.task_id = t.id
                 order by c.created_at, c.id limit ${COMMENTS_FIRST_PAGE + 1}) c
           join users author on author.id = c.author_id) as comments
      from tasks t
      join projects p on p.id = t.project_id
      join memberships m on m.workspace_id = p.workspace_id and m.user_id = me.id
      ${TASK_USERS}
      where t.id = $2
    ) task on true`,
};

export async function getTask(
  pool: Pool,
  tokenHash: string,
  taskId: string,
): Promise<GetTaskResult> {
  const result = await pool.query<TaskDetailRow & { user_id: string }>({
    ...GET_TASK,
    values: [tokenHash, taskId],
  });
  const row = result.rows[0];
  if (!row) return { user: false };
  return { user: true, task: row.id === null ? undefined : row };
}

export interface TaskListRow extends TaskRow {
  comment_count: number;
}

export type ListTasksResult =
  | { user: false }
  | { user: true; project: undefined }
  | { user: true; project: { key: string }; rows: TaskListRow[] };

/**
 * One statement text per combination of filters, so that each is planned for what it filters
 * (no `$n is null or ...` that a generic plan cannot use an index for).
 */
function listStatement(
  input: ListTasksInput,
  before: number | undefined,
): { name: string; text: string; values: unknown[] } {
  const values: unknown[] = [];
  const conditions: string[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length + 3}`;
  };
  const name: string[] = ['baseline_tasks_list'];
  if (before !== undefined) {
    conditions.push(`t.number < ${bind(before)}`);
    name.push('c');
  }
  if (input.status !== undefined) {
    conditions.push(`t.status = ${bind(input.status)}`);
    name.push('s');
  }
  if (input.assigneeId === null) {
    conditions.push('t.assignee_id is null');
    name.push('u');
  } else if (input.assigneeId !== undefined) {
    conditions.push(`t.assignee_id = ${bind(input.assigneeId)}`);
    name.push('a');
  }
  if (input.labelId !== undefined) {
    conditions.push(
      `exists (select 1 from task_labels f where f.task_id = t.id and f.label_id = ${bind(input.labelId)})`,
    );
    name.push('l');
  }
  if (input.search !== undefined) {
    conditions.push(`t.title_words @@ plainto_tsquery('simple', ${bind(input.search)})`);
    name.push('q');
  }
  const text = `
    with ${ME}
    select me.id as user_id, p.key as project_key, page.*
    from me
    left join lateral (
      select p.id, p.key
      from projects p
      join memberships m on m.workspace_id = p.workspace_id and m.user_id = me.id
      where p.id = $2
    ) p on true
    left join lateral (
      select ${TASK_COLUMNS},
        (select count(*)::int from comments c where c.task_id = t.id) as comment_count
      from tasks t
      ${TASK_USERS}
      where t.project_id = p.id ${conditions.map((condition) => `and ${condition}`).join(' ')}
      order by t.number desc
      limit $3
    ) page on true
    order by page.number desc`;
  return { name: name.join('_'), text, values };
}

export async function listTasks(
  pool: Pool,
  tokenHash: string,
  input: ListTasksInput,
  before: number | undefined,
): Promise<ListTasksResult> {
  const statement = listStatement(input, before);
  const result = await pool.query<TaskListRow & { user_id: string; project_key: string | null }>({
    ...statement,
    values: [tokenHash, input.projectId, input.limit + 1, ...statement.values],
  });
  const first = result.rows[0];
  if (!first) return { user: false };
  if (first.project_key === null) return { user: true, project: undefined };
  const rows = first.id === null ? [] : result.rows;
  return { user: true, project: { key: first.project_key }, rows };
}

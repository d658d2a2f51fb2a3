import { randomUUID } from 'node:crypto';
import type { Database } from '@trellis/db';
import type { ApiHarness, Client } from './harness';

export interface TestUser {
  id: string;
  email: string;
  token: string;
  client: Client;
}

const unique = () => randomUUID().slice(0, 8);

export async function createUser(api: ApiHarness, name = 'user'): Promise<TestUser> {
  const email = `${name}-${unique()}@example.com`;
  const { token, user } = await api
    .client()
    .auth.signUp.mutate({ email, password: 'a long password', name });
  return { id: user.id, email, token, client: api.client(token) };
}

/** A workspace with its owner, one project and one label, made through the API itself. */
export async function createWorld(api: ApiHarness, key = 'ENG') {
  const owner = await createUser(api, 'owner');
  const workspace = await owner.client.workspaces.create.mutate({
    name: 'Acme',
    slug: `acme-${unique()}`,
  });
  const project = await owner.client.projects.create.mutate({
    workspaceId: workspace.id,
    key,
    name: 'Engineering',
  });
  const label = await owner.client.labels.create.mutate({
    workspaceId: workspace.id,
    name: 'bug',
    color: '#d73a4a',
  });
  return { owner, workspace, project, label };
}

/** A new user who joined the workspace with the given role: the owner invited, they accepted. */
export async function addMember(
  api: ApiHarness,
  world: Awaited<ReturnType<typeof createWorld>>,
  role: 'admin' | 'member' | 'viewer',
): Promise<TestUser> {
  const user = await createUser(api, role);
  const invitation = await world.owner.client.workspaces.invite.mutate({
    workspaceId: world.workspace.id,
    email: user.email,
    role,
  });
  await user.client.invitations.accept.mutate({ id: invitation.id });
  return user;
}

/** Runs `count` calls with at most `width` in flight. */
export async function inBatches<T>(
  count: number,
  width: number,
  call: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await call(index);
      }
    }),
  );
  return results;
}

/**
 * A fault for tests: every insert into `table` raises `message` (a trigger). Returns the
 * function that removes it again. `table` and `message` are the test's own constants.
 */
export async function failInsertsInto(
  db: Database,
  table: string,
  message: string,
): Promise<() => Promise<void>> {
  const name = `fail_inserts_into_${table}`;
  await db.knex.raw(`
    create function ${name}() returns trigger language plpgsql as $$
    begin raise exception '${message.replace(/'/g, "''")}'; end $$;
    create trigger ${name} before insert on ${table} for each row execute function ${name}();
  `);
  return async () => {
    await db.knex.raw(`drop trigger ${name} on ${table}; drop function ${name}()`);
  };
}

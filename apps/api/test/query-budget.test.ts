import { describe, expect, it } from 'vitest';
import { addMember, createWorld, inBatches } from './fixtures';
import { queriesFromServerTiming, useApi } from './harness';

const api = useApi();
const BUDGET = 8;

/** Runs one call and returns the queries its HTTP request ran, from Server-Timing. */
async function queriesOf(call: () => Promise<unknown>): Promise<number> {
  await call();
  return queriesFromServerTiming(api.lastHeaders());
}

async function projectWithTasks(taskCount: number, commentsPerTask: number, key: string) {
  const world = await createWorld(api, key);
  const c = world.owner.client;
  const labels = [world.label];
  for (const name of ['ui', 'backend']) {
    labels.push(
      await c.labels.create.mutate({ workspaceId: world.workspace.id, name, color: '#123456' }),
    );
  }
  const member = await addMember(api, world, 'member');
  await inBatches(taskCount, 8, async (index) => {
    const task = await c.tasks.create.mutate({
      projectId: world.project.id,
      title: `Task ${index}`,
      assigneeId: index % 2 ? member.id : null,
      labelIds: labels.map((label) => label.id),
    });
    for (let n = 0; n < commentsPerTask; n += 1) {
      await member.client.comments.add.mutate({ taskId: task.id, body: `comment ${n}` });
    }
  });
  return world;
}

describe('query budget (Server-Timing counts every query, authentication included)', () => {
  it('tasks.list runs the same number of queries for a page of 1 and a page of 100 tasks', async () => {
    const small = await projectWithTasks(1, 2, 'ONE');
    const large = await projectWithTasks(100, 2, 'HUN');
    const one = await queriesOf(() =>
      small.owner.client.tasks.list.query({ projectId: small.project.id, limit: 100 }),
    );
    const page = await large.owner.client.tasks.list.query({
      projectId: large.project.id,
      limit: 100,
    });
    const hundred = queriesFromServerTiming(api.lastHeaders());
    expect(page.items).toHaveLength(100);
    expect(page.items[0]?.labels).toHaveLength(3);
    expect(page.items[0]?.commentCount).toBe(2);
    expect(hundred).toBe(one);
    expect(hundred).toBeLessThanOrEqual(BUDGET);
  });

  it('tasks.get runs the same number of queries for 0 and 50 comments (it carries the first 20)', async () => {
    const world = await createWorld(api, 'GET');
    const c = world.owner.client;
    const bare = await c.tasks.create.mutate({
      projectId: world.project.id,
      title: 'bare',
      labelIds: [world.label.id],
    });
    const busy = await c.tasks.create.mutate({
      projectId: world.project.id,
      title: 'busy',
      labelIds: [world.label.id],
    });
    await inBatches(50, 5, (n) => c.comments.add.mutate({ taskId: busy.id, body: `comment ${n}` }));
    const zero = await queriesOf(() => c.tasks.get.query({ id: bare.id }));
    const detail = await c.tasks.get.query({ id: busy.id });
    const fifty = queriesFromServerTiming(api.lastHeaders());
    expect(detail.comments).toHaveLength(20); // the first page; comments.list has the rest
    expect(detail.commentsCursor).toEqual(expect.any(String));
    const rest = await c.comments.list.query({ taskId: busy.id, cursor: detail.commentsCursor });
    expect(rest.items).toHaveLength(30);
    expect(rest.nextCursor).toBeNull();
    const times = detail.comments.map((comment) => comment.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b)); // oldest first
    expect(fifty).toBe(zero);
    expect(fifty).toBeLessThanOrEqual(BUDGET);
  });

  it('every procedure stays within the budget', async () => {
    const world = await createWorld(api, 'BUD');
    const c = world.owner.client;
    const other = await addMember(api, world, 'member');
    const joiner = await addMember(api, world, 'viewer');
    const heir = await addMember(api, world, 'admin');
    const workspaceId = world.workspace.id;
    const task = await c.tasks.create.mutate({
      projectId: world.project.id,
      title: 'budget',
      labelIds: [world.label.id],
    });
    let invitationId = '';
    const counts: Record<string, number> = {
      'auth.me': await queriesOf(() => c.auth.me.query()),
      'auth.signIn': await queriesOf(() =>
        api.client().auth.signIn.mutate({ email: world.owner.email, password: 'a long password' }),
      ),
      'workspaces.create': await queriesOf(() =>
        c.workspaces.create.mutate({ name: 'Second', slug: `second-${task.number}x` }),
      ),
      'workspaces.list': await queriesOf(() => c.workspaces.list.query()),
      'workspaces.get': await queriesOf(() =>
        c.workspaces.get.query({ slug: world.workspace.slug }),
      ),
      'workspaces.removeMember': await queriesOf(() =>
        c.workspaces.removeMember.mutate({ workspaceId: world.workspace.id, userId: other.id }),
      ),
      'workspaces.invite': await queriesOf(async () => {
        ({ id: invitationId } = await c.workspaces.invite.mutate({
          workspaceId,
          email: other.email,
          role: 'member',
        }));
      }),
      'workspaces.invitations': await queriesOf(() =>
        c.workspaces.invitations.query({ workspaceId }),
      ),
      'invitations.list': await queriesOf(() => other.client.invitations.list.query()),
      'invitations.accept': await queriesOf(() =>
        other.client.invitations.accept.mutate({ id: invitationId }),
      ),
      'workspaces.setRole': await queriesOf(() =>
        c.workspaces.setRole.mutate({ workspaceId, userId: joiner.id, role: 'member' }),
      ),
      'workspaces.leave': await queriesOf(() =>
        joiner.client.workspaces.leave.mutate({ workspaceId }),
      ),
      'workspaces.revokeInvitation': await queriesOf(async () => {
        const { id } = await c.workspaces.invite.mutate({
          workspaceId,
          email: 'never-mind@example.com',
          role: 'viewer',
        });
        await c.workspaces.revokeInvitation.mutate({ id });
      }),
      'invitations.decline': await queriesOf(async () => {
        const { id } = await c.workspaces.invite.mutate({
          workspaceId,
          email: joiner.email,
          role: 'viewer',
        });
        await joiner.client.invitations.decline.mutate({ id });
      }),
      'projects.create': await queriesOf(() =>
        c.projects.create.mutate({ workspaceId: world.workspace.id, key: 'NEW', name: 'New' }),
      ),
      'projects.list': await queriesOf(() =>
        c.projects.list.query({ workspaceId: world.workspace.id }),
      ),
      'projects.getByKey': await queriesOf(() =>
        c.projects.getByKey.query({ workspaceId: world.workspace.id, key: 'BUD' }),
      ),
      'labels.create': await queriesOf(() =>
        c.labels.create.mutate({ workspaceId: world.workspace.id, name: 'new', color: '#abcdef' }),
      ),
      'labels.list': await queriesOf(() =>
        c.labels.list.query({ workspaceId: world.workspace.id }),
      ),
      'tasks.create': await queriesOf(() =>
        c.tasks.create.mutate({
          projectId: world.project.id,
          title: 'more',
          assigneeId: other.id,
          labelIds: [world.label.id],
        }),
      ),
      'tasks.get': await queriesOf(() => c.tasks.get.query({ id: task.id })),
      'tasks.getByKey': await queriesOf(() =>
        c.tasks.getByKey.query({ workspaceId: world.workspace.id, key: task.key }),
      ),
      'tasks.list': await queriesOf(() =>
        c.tasks.list.query({ projectId: world.project.id, search: 'budget' }),
      ),
      'tasks.update': await queriesOf(() =>
        c.tasks.update.mutate({ id: task.id, version: task.version, status: 'done', labelIds: [] }),
      ),
      'comments.add': await queriesOf(() => c.comments.add.mutate({ taskId: task.id, body: 'hi' })),
      'comments.list': await queriesOf(() => c.comments.list.query({ taskId: task.id })),
      'activity.list': await queriesOf(() =>
        c.activity.list.query({ workspaceId: world.workspace.id }),
      ),
      // Last of the workspace calls: the owner becomes an admin.
      'workspaces.transferOwnership': await queriesOf(() =>
        c.workspaces.transferOwnership.mutate({ workspaceId, userId: heir.id }),
      ),
      'tasks.delete': await queriesOf(() => c.tasks.delete.mutate({ id: task.id })),
      'auth.signOut': await queriesOf(() => c.auth.signOut.mutate()),
    };
    // Exact counts, so a change that adds a query shows up here; all within the budget.
    expect(counts).toEqual({
      'auth.me': 1,
      'auth.signIn': 4,
      'auth.signOut': 2,
      'workspaces.create': 3,
      'workspaces.list': 2,
      'workspaces.get': 4,
      'workspaces.invite': 5,
      'workspaces.invitations': 3,
      'workspaces.revokeInvitation': 3,
      'workspaces.setRole': 5,
      'workspaces.transferOwnership': 5,
      'workspaces.removeMember': 5,
      'workspaces.leave': 4,
      'invitations.list': 2,
      'invitations.accept': 4,
      'invitations.decline': 2,
      'projects.create': 3,
      'projects.list': 4,
      'projects.getByKey': 2,
      'labels.create': 3,
      'labels.list': 3,
      'tasks.create': 8,
      'tasks.get': 2,
      'tasks.getByKey': 2,
      'tasks.list': 3,
      'tasks.update': 5,
      'tasks.delete': 4,
      'comments.add': 5,
      'comments.list': 3,
      'activity.list': 4,
    });
    for (const [procedure, count] of Object.entries(counts)) {
      expect(count, procedure).toBeLessThanOrEqual(BUDGET);
    }
  });
});

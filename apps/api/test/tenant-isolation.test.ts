import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createUser, createWorld } from './fixtures';
import { codeOf, failureOf, useApi } from './harness';

const api = useApi();

/** Each named call's tRPC error code ('OK' when it succeeded). */
async function codesOf(calls: Record<string, Promise<unknown>>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(calls).map(async ([name, call]) => [name, await codeOf(call)] as const),
  );
  return Object.fromEntries(entries);
}

const everyCall = (calls: Record<string, unknown>, code: string) =>
  Object.fromEntries(Object.keys(calls).map((name) => [name, code]));

async function worldWithTask() {
  const world = await createWorld(api);
  const task = await world.owner.client.tasks.create.mutate({
    projectId: world.project.id,
    title: 'Secret roadmap',
    labelIds: [world.label.id],
  });
  await world.owner.client.comments.add.mutate({ taskId: task.id, body: 'classified' });
  return { ...world, task };
}

describe('tenant isolation', () => {
  it('a user of workspace B gets NOT_FOUND for every procedure called with ids of workspace A', async () => {
    const a = await worldWithTask();
    const b = await createWorld(api, 'OPS');
    const intruder = b.owner.client;
    const pending = await a.owner.client.workspaces.invite.mutate({
      workspaceId: a.workspace.id,
      email: `someone-else-${a.workspace.slug}@example.com`,
      role: 'admin',
    });
    const calls: Record<string, Promise<unknown>> = {
      'workspaces.get': intruder.workspaces.get.query({ slug: a.workspace.slug }),
      'workspaces.invite': intruder.workspaces.invite.mutate({
        workspaceId: a.workspace.id,
        email: b.owner.email,
        role: 'admin',
      }),
      'workspaces.invitations': intruder.workspaces.invitations.query({
        workspaceId: a.workspace.id,
      }),
      'workspaces.revokeInvitation': intruder.workspaces.revokeInvitation.mutate({
        id: pending.id,
      }),
      'workspaces.setRole': intruder.workspaces.setRole.mutate({
        workspaceId: a.workspace.id,
        userId: a.owner.id,
        role: 'viewer',
      }),
      'workspaces.transferOwnership': intruder.workspaces.transferOwnership.mutate({
        workspaceId: a.workspace.id,
        userId: b.owner.id,
      }),
      'workspaces.leave': intruder.workspaces.leave.mutate({ workspaceId: a.workspace.id }),
      'invitations.accept': intruder.invitations.accept.mutate({ id: pending.id }),
      'invitations.decline': intruder.invitations.decline.mutate({ id: pending.id }),
      'workspaces.removeMember': intruder.workspaces.removeMember.mutate({
        workspaceId: a.workspace.id,
        userId: a.owner.id,
      }),
      'projects.create': intruder.projects.create.mutate({
        workspaceId: a.workspace.id,
        key: 'HACK',
        name: 'x',
      }),
      'projects.list': intruder.projects.list.query({ workspaceId: a.workspace.id }),
      'projects.getByKey': intruder.projects.getByKey.query({
        workspaceId: a.workspace.id,
        key: a.project.key,
      }),
      'labels.create': intruder.labels.create.mutate({
        workspaceId: a.workspace.id,
        name: 'x',
        color: '#000000',
      }),
      'labels.list': intruder.labels.list.query({ workspaceId: a.workspace.id }),
      'tasks.create': intruder.tasks.create.mutate({ projectId: a.project.id, title: 'x' }),
      'tasks.get': intruder.tasks.get.query({ id: a.task.id }),
      'tasks.getByKey': intruder.tasks.getByKey.query({
        workspaceId: a.workspace.id,
        key: a.task.key,
      }),
      'tasks.list': intruder.tasks.list.query({ projectId: a.project.id }),
      'tasks.update': intruder.tasks.update.mutate({
        id: a.task.id,
        version: a.task.version,
        title: 'pwned',
      }),
      'tasks.delete': intruder.tasks.delete.mutate({ id: a.task.id }),
      'comments.add': intruder.comments.add.mutate({ taskId: a.task.id, body: 'x' }),
      'comments.list': intruder.comments.list.query({ taskId: a.task.id }),
      'activity.list': intruder.activity.list.query({ workspaceId: a.workspace.id }),
    };
    expect(await codesOf(calls)).toEqual(everyCall(calls, 'NOT_FOUND'));

    // Nothing changed in A, and B's own list does not show A.
    const task = await a.owner.client.tasks.get.query({ id: a.task.id });
    expect(task.title).toBe('Secret roadmap');
    expect(task.comments).toHaveLength(1);
    expect((await intruder.workspaces.list.query()).map((w) => w.id)).toEqual([b.workspace.id]);
    expect(await intruder.invitations.list.query()).toEqual([]);
    const stillPending = await a.owner.client.workspaces.invitations.query({
      workspaceId: a.workspace.id,
    });
    expect(stillPending.map((invitation) => invitation.id)).toEqual([pending.id]);
  });

  it('a foreign id and an id that does not exist give the same answer', async () => {
    const a = await worldWithTask();
    const outsider = await createUser(api, 'outsider');
    const foreign = await failureOf(outsider.client.tasks.get.query({ id: a.task.id }));
    const missing = await failureOf(outsider.client.tasks.get.query({ id: randomUUID() }));
    expect(foreign).toEqual(missing);
    const foreignWs = await failureOf(
      outsider.client.workspaces.get.query({ slug: a.workspace.slug }),
    );
    const missingWs = await failureOf(
      outsider.client.workspaces.get.query({ slug: 'no-such-slug' }),
    );
    expect(foreignWs).toEqual(missingWs);
    const foreignKey = await failureOf(
      outsider.client.tasks.getByKey.query({ workspaceId: a.workspace.id, key: a.task.key }),
    );
    const missingKey = await failureOf(
      a.owner.client.tasks.getByKey.query({ workspaceId: a.workspace.id, key: 'ENG-999' }),
    );
    expect(foreignKey).toEqual(missingKey);
    const foreignProject = await failureOf(
      outsider.client.projects.getByKey.query({ workspaceId: a.workspace.id, key: 'ENG' }),
    );
    const missingProject = await failureOf(
      a.owner.client.projects.getByKey.query({ workspaceId: a.workspace.id, key: 'NOPE' }),
    );
    expect(foreignProject).toEqual(missingProject);
  });

  it("an assignee from another workspace or another workspace's label is BAD_REQUEST naming the field", async () => {
    const a = await worldWithTask();
    const b = await createWorld(api, 'OPS');
    const assignee = await failureOf(
      b.owner.client.tasks.create.mutate({
        projectId: b.project.id,
        title: 'x',
        assigneeId: a.owner.id,
      }),
    );
    expect(assignee.code).toBe('BAD_REQUEST');
    expect(assignee.data.issues?.[0]?.path).toEqual(['assigneeId']);
    const label = await failureOf(
      b.owner.client.tasks.create.mutate({
        projectId: b.project.id,
        title: 'x',
        labelIds: [a.label.id],
      }),
    );
    expect(label.code).toBe('BAD_REQUEST');
    expect(label.data.issues?.[0]?.path[0]).toBe('labelIds');
  });

  it("a viewer reads everything and every one of a viewer's mutations is FORBIDDEN", async () => {
    const a = await worldWithTask();
    const viewerUser = await addMember(api, a, 'viewer');
    const viewer = viewerUser.client;
    const pending = await a.owner.client.workspaces.invite.mutate({
      workspaceId: a.workspace.id,
      email: `pending-${a.workspace.slug}@example.com`,
      role: 'member',
    });
    expect((await viewer.tasks.get.query({ id: a.task.id })).title).toBe('Secret roadmap');
    expect(await viewer.projects.list.query({ workspaceId: a.workspace.id })).toHaveLength(1);
    const calls: Record<string, Promise<unknown>> = {
      'workspaces.invite': viewer.workspaces.invite.mutate({
        workspaceId: a.workspace.id,
        email: 'friend-of-viewer@example.com',
        role: 'viewer',
      }),
      'workspaces.invitations': viewer.workspaces.invitations.query({
        workspaceId: a.workspace.id,
      }),
      'workspaces.revokeInvitation': viewer.workspaces.revokeInvitation.mutate({
        id: pending.id,
      }),
      'workspaces.setRole': viewer.workspaces.setRole.mutate({
        workspaceId: a.workspace.id,
        userId: viewerUser.id,
        role: 'member',
      }),
      'workspaces.transferOwnership': viewer.workspaces.transferOwnership.mutate({
        workspaceId: a.workspace.id,
        userId: viewerUser.id,
      }),
      'workspaces.removeMember': viewer.workspaces.removeMember.mutate({
        workspaceId: a.workspace.id,
        userId: a.owner.id,
      }),
      'projects.create': viewer.projects.create.mutate({
        workspaceId: a.workspace.id,
        key: 'VIEW',
        name: 'x',
      }),
      'labels.create': viewer.labels.create.mutate({
        workspaceId: a.workspace.id,
        name: 'v',
        color: '#000000',
      }),
      'tasks.create': viewer.tasks.create.mutate({ projectId: a.project.id, title: 'x' }),
      'tasks.update': viewer.tasks.update.mutate({
        id: a.task.id,
        version: a.task.version,
        title: 'x',
      }),
      'tasks.delete': viewer.tasks.delete.mutate({ id: a.task.id }),
      'comments.add': viewer.comments.add.mutate({ taskId: a.task.id, body: 'x' }),
    };
    expect(await codesOf(calls)).toEqual(everyCall(calls, 'FORBIDDEN'));
  });

  it('a signed-out token gets UNAUTHORIZED from every authenticated procedure', async () => {
    const a = await worldWithTask();
    const user = await addMember(api, a, 'member');
    await user.client.auth.signOut.mutate();
    const c = user.client;
    const calls = [
      c.auth.me.query(),
      c.auth.signOut.mutate(),
      c.workspaces.list.query(),
      c.workspaces.get.query({ slug: a.workspace.slug }),
      c.workspaces.create.mutate({ name: 'x', slug: 'signed-out' }),
      c.projects.list.query({ workspaceId: a.workspace.id }),
      c.labels.list.query({ workspaceId: a.workspace.id }),
      c.tasks.get.query({ id: a.task.id }),
      c.tasks.getByKey.query({ workspaceId: a.workspace.id, key: a.task.key }),
      c.projects.getByKey.query({ workspaceId: a.workspace.id, key: a.project.key }),
      c.tasks.list.query({ projectId: a.project.id }),
      c.tasks.create.mutate({ projectId: a.project.id, title: 'x' }),
      c.comments.add.mutate({ taskId: a.task.id, body: 'x' }),
      c.activity.list.query({ workspaceId: a.workspace.id }),
      c.workspaces.invite.mutate({
        workspaceId: a.workspace.id,
        email: 'x@example.com',
        role: 'viewer',
      }),
      c.workspaces.invitations.query({ workspaceId: a.workspace.id }),
      c.workspaces.revokeInvitation.mutate({ id: a.task.id }),
      c.workspaces.setRole.mutate({ workspaceId: a.workspace.id, userId: user.id, role: 'viewer' }),
      c.workspaces.transferOwnership.mutate({ workspaceId: a.workspace.id, userId: user.id }),
      c.workspaces.leave.mutate({ workspaceId: a.workspace.id }),
      c.invitations.list.query(),
      c.invitations.accept.mutate({ id: a.task.id }),
      c.invitations.decline.mutate({ id: a.task.id }),
    ];
    expect(new Set(await Promise.all(calls.map(codeOf)))).toEqual(new Set(['UNAUTHORIZED']));
  });

  it('the owner cannot be removed, only the owner manages admins, and admins manage members', async () => {
    const a = await worldWithTask();
    const admin = await addMember(api, a, 'admin');
    const otherAdmin = await addMember(api, a, 'admin');
    const refused = {
      'remove the owner': admin.client.workspaces.removeMember.mutate({
        workspaceId: a.workspace.id,
        userId: a.owner.id,
      }),
      'remove an admin': admin.client.workspaces.removeMember.mutate({
        workspaceId: a.workspace.id,
        userId: otherAdmin.id,
      }),
      'demote an admin': admin.client.workspaces.setRole.mutate({
        workspaceId: a.workspace.id,
        userId: otherAdmin.id,
        role: 'viewer',
      }),
      'invite an admin': admin.client.workspaces.invite.mutate({
        workspaceId: a.workspace.id,
        email: 'new-admin@example.com',
        role: 'admin',
      }),
      'take ownership': admin.client.workspaces.transferOwnership.mutate({
        workspaceId: a.workspace.id,
        userId: admin.id,
      }),
      'owner leaves': a.owner.client.workspaces.leave.mutate({ workspaceId: a.workspace.id }),
    };
    expect(await codesOf(refused)).toEqual(everyCall(refused, 'FORBIDDEN'));
    const member = await addMember(api, a, 'member');
    expect(
      await admin.client.workspaces.removeMember.mutate({
        workspaceId: a.workspace.id,
        userId: member.id,
      }),
    ).toEqual({ ok: true });
    expect(await codeOf(member.client.tasks.get.query({ id: a.task.id }))).toBe('NOT_FOUND');
  });
});

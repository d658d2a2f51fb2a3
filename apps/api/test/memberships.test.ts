import { describe, expect, it } from 'vitest';
import { addMember, createUser, createWorld } from './fixtures';
import { codeOf, failureOf, useApi } from './harness';

const api = useApi();

describe('memberships by invitation, over HTTP', () => {
  it('invite answers the same for an email with and without an account; only its invitee can use it', async () => {
    const world = await createWorld(api);
    const invitee = await createUser(api, 'invitee');
    const stranger = await createUser(api, 'stranger');
    const workspaceId = world.workspace.id;
    const withAccount = await world.owner.client.workspaces.invite.mutate({
      workspaceId,
      email: invitee.email,
      role: 'member',
    });
    const withoutAccount = await world.owner.client.workspaces.invite.mutate({
      workspaceId,
      email: 'no-account-yet@example.com',
      role: 'member',
    });
    const shape = (answer: object) =>
      Object.entries(answer).map(([key, value]) => [key, typeof value, value instanceof Date]);
    expect(shape(withAccount)).toEqual(shape(withoutAccount));

    // The stranger cannot see, accept or decline it: the same NOT_FOUND as for no invitation.
    expect(await stranger.client.invitations.list.query()).toEqual([]);
    const foreign = await failureOf(
      stranger.client.invitations.accept.mutate({ id: withAccount.id }),
    );
    const missing = await failureOf(
      stranger.client.invitations.accept.mutate({ id: withoutAccount.id }),
    );
    expect(foreign).toEqual(missing);
    expect(foreign.code).toBe('NOT_FOUND');

    const [received] = await invitee.client.invitations.list.query();
    expect(received).toMatchObject({
      id: withAccount.id,
      role: 'member',
      workspace: { id: workspaceId, slug: world.workspace.slug, name: 'Acme' },
      invitedBy: { id: world.owner.id, email: world.owner.email },
    });
    expect(await invitee.client.invitations.accept.mutate({ id: withAccount.id })).toEqual({
      workspace: { id: workspaceId, name: 'Acme', slug: world.workspace.slug, role: 'member' },
    });
    expect((await invitee.client.workspaces.list.query()).map((w) => w.id)).toEqual([workspaceId]);
    expect(
      await codeOf(
        world.owner.client.workspaces.invite.mutate({
          workspaceId,
          email: invitee.email,
          role: 'viewer',
        }),
      ),
    ).toBe('CONFLICT');

    // And the invitee can leave again.
    expect(await invitee.client.workspaces.leave.mutate({ workspaceId })).toEqual({ ok: true });
    expect(await invitee.client.workspaces.list.query()).toEqual([]);
  });

  it('throttles invitations per inviter with TOO_MANY_REQUESTS and Retry-After', async () => {
    const world = await createWorld(api);
    const workspaceId = world.workspace.id;
    const admin = await addMember(api, world, 'admin'); // the owner's first invitation
    for (let n = 1; n < 50; n += 1) {
      await world.owner.client.workspaces.invite.mutate({
        workspaceId,
        email: `guest-${n}@example.com`,
        role: 'viewer',
      });
    }
    const refused = await failureOf(
      world.owner.client.workspaces.invite.mutate({
        workspaceId,
        email: 'guest-50@example.com',
        role: 'viewer',
      }),
    );
    expect(refused.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(api.lastHeaders()?.get('retry-after'))).toBeGreaterThan(0);
    // Other people's invitations and everything else keep working.
    await admin.client.workspaces.invite.mutate({
      workspaceId,
      email: 'guest-50@example.com',
      role: 'viewer',
    });
    expect(
      await world.owner.client.workspaces.get.query({ slug: world.workspace.slug }),
    ).toMatchObject({
      role: 'owner',
    });
  });

  it('transferOwnership hands the workspace to an admin; the old owner can then leave', async () => {
    const world = await createWorld(api);
    const workspaceId = world.workspace.id;
    const member = await addMember(api, world, 'member');
    const notAdmin = await failureOf(
      world.owner.client.workspaces.transferOwnership.mutate({ workspaceId, userId: member.id }),
    );
    expect(notAdmin.code).toBe('BAD_REQUEST');
    expect(notAdmin.data.issues?.[0]?.path).toEqual(['userId']);
    await world.owner.client.workspaces.setRole.mutate({
      workspaceId,
      userId: member.id,
      role: 'admin',
    });
    await world.owner.client.workspaces.transferOwnership.mutate({
      workspaceId,
      userId: member.id,
    });
    const roles = await member.client.workspaces.get.query({ slug: world.workspace.slug });
    expect(Object.fromEntries(roles.members.map((entry) => [entry.user.id, entry.role]))).toEqual({
      [world.owner.id]: 'admin',
      [member.id]: 'owner',
    });
    await world.owner.client.workspaces.leave.mutate({ workspaceId });
    expect(await codeOf(member.client.workspaces.leave.mutate({ workspaceId }))).toBe('FORBIDDEN');
  });
});

describe('deleted tasks in the activity feed', () => {
  it('the feed keeps the key of a deleted task but no longer shows its title', async () => {
    const world = await createWorld(api);
    const doomed = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'Layoffs in March',
    });
    const kept = await world.owner.client.tasks.create.mutate({
      projectId: world.project.id,
      title: 'Quarterly plan',
    });
    await world.owner.client.tasks.delete.mutate({ id: doomed.id });
    const viewer = await addMember(api, world, 'viewer');
    const feed = await viewer.client.activity.list.query({ workspaceId: world.workspace.id });
    expect(JSON.stringify(feed)).not.toContain('Layoffs');
    expect(
      feed.filter((entry) => entry.taskId === doomed.id).map((entry) => [entry.kind, entry.data]),
    ).toEqual([
      ['task.deleted', { key: doomed.key }],
      ['task.created', { key: doomed.key }],
    ]);
    expect(feed.find((entry) => entry.taskId === kept.id)?.data).toEqual({
      key: kept.key,
      title: 'Quarterly plan',
    });
  });
});

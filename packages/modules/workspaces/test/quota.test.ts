import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError } from '@trellis/kernel';
import { describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  createWorkspace,
  getWorkspace,
  inviteToWorkspace,
  listWorkspaces,
  MAX_MEMBERS_PER_WORKSPACE,
  MAX_WORKSPACES_PER_USER,
} from '../src';
import { registerUsers, workspaceWith, type Person } from '../src/testing';

const test = useTestDatabase();

const refusal = (promise: Promise<unknown>) => promise.catch((error: unknown) => error);

const count = async (sql: string, bindings: string[]) => {
  const { rows } = await test.db.knex.raw<{ rows: Array<{ n: number }> }>(
    `select (${sql})::int as n`,
    bindings,
  );
  return rows[0]!.n;
};

const invite = (inviter: Person, workspaceId: string, person: Person) =>
  test.db.transaction((session) =>
    inviteToWorkspace(session, inviter, { workspaceId, email: person.email, role: 'member' }),
  );

const accept = (person: Person, id: string) =>
  test.db.transaction((session) => acceptInvitation(session, person, { id }));

describe('workspaces per user', () => {
  it('a user belongs to at most MAX_WORKSPACES_PER_USER workspaces, so workspaces.list stays bounded: creating or accepting past it is CONFLICT and writes nothing; others are not affected', async () => {
    const [busy, host, other] = (await registerUsers(test.db, ['busy', 'host', 'other'])) as [
      Person,
      Person,
      Person,
    ];
    const hosted = await workspaceWith(test.db, host, 'hosted', []);
    const invitation = await invite(host, hosted, busy);
    // Filled by SQL up to one below the quota (the service would take one request per workspace).
    await test.db.knex.raw(
      `with made as (
         insert into workspaces (name, slug)
         select 'Filler ' || n, 'filler-' || n from generate_series(1, ?) as n
         returning id
       )
       insert into memberships (workspace_id, user_id, role) select id, ?, 'owner' from made`,
      [MAX_WORKSPACES_PER_USER - 1, busy.userId],
    );
    const create = (actor: Person, slug: string) =>
      test.db.transaction((session) => createWorkspace(session, actor, { name: slug, slug }));
    expect(await create(busy, 'last-one')).toMatchObject({ slug: 'last-one', role: 'owner' });

    const refused = await refusal(create(busy, 'one-more'));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/at most 100 workspaces/);
    expect(await count(`select count(*) from workspaces where slug = ?`, ['one-more'])).toBe(0);

    const refusedJoin = await refusal(accept(busy, invitation.id));
    expect(refusedJoin).toBeInstanceOf(ConflictError);
    expect((refusedJoin as Error).message).toMatch(/at most 100 workspaces/);
    expect(
      await count(`select count(*) from memberships where workspace_id = ? and user_id = ?`, [
        hosted,
        busy.userId,
      ]),
    ).toBe(0);
    expect(
      await count(`select count(*) from invitations where id = ? and status = 'pending'`, [
        invitation.id,
      ]),
    ).toBe(1);

    const listed = await test.db.read((session) => listWorkspaces(session, busy));
    expect(listed).toHaveLength(MAX_WORKSPACES_PER_USER);
    expect((await create(other, 'roomy')).slug).toBe('roomy');
  });
});

describe('members per workspace', () => {
  it('a workspace holds at most MAX_MEMBERS_PER_WORKSPACE members, so workspaces.get stays bounded: accepting past it is CONFLICT and writes nothing; pending invitations do not count', async () => {
    const [owner, last, late] = (await registerUsers(test.db, ['owner', 'last', 'late'])) as [
      Person,
      Person,
      Person,
    ];
    const full = await workspaceWith(test.db, owner, 'crowded', []);
    const roomy = await workspaceWith(test.db, owner, 'spacious', []);
    // Both invited while the workspace still has room: a pending invitation takes no seat.
    const lastInvitation = await invite(owner, full, last);
    const lateInvitation = await invite(owner, full, late);
    const roomyInvitation = await invite(owner, roomy, late);
    // Filled by SQL up to one below the quota: the owner and MAX - 2 members.
    await test.db.knex.raw(
      `with made as (
         insert into users (email, name, password_hash)
         select 'filler-' || n || '@example.com', 'Filler ' || n, 'scrypt$filler'
           from generate_series(1, ?) as n
         returning id
       )
       insert into memberships (workspace_id, user_id, role) select ?, id, 'member' from made`,
      [MAX_MEMBERS_PER_WORKSPACE - 2, full],
    );
    expect((await accept(last, lastInvitation.id)).workspace).toMatchObject({ id: full });

    const refused = await refusal(accept(late, lateInvitation.id));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toMatch(/at most 500 members/);
    expect(
      await count(`select count(*) from memberships where workspace_id = ? and user_id = ?`, [
        full,
        late.userId,
      ]),
    ).toBe(0);
    expect(
      await count(`select count(*) from invitations where id = ? and status = 'pending'`, [
        lateInvitation.id,
      ]),
    ).toBe(1);
    expect(
      await count(`select count(*) from activity where workspace_id = ? and actor_id = ?`, [
        full,
        late.userId,
      ]),
    ).toBe(0);

    const detail = await test.db.read((session) =>
      getWorkspace(session, owner, { slug: 'crowded' }),
    );
    expect(detail.members).toHaveLength(MAX_MEMBERS_PER_WORKSPACE);
    // Another workspace is not affected.
    expect((await accept(late, roomyInvitation.id)).workspace).toMatchObject({ id: roomy });
  });
});

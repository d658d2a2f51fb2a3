import type { Database } from '@trellis/db';
import { signUp, type User } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import { acceptInvitation } from '../services/accept-invitation';
import { createWorkspace } from '../services/create-workspace';
import { inviteToWorkspace } from '../services/invite-to-workspace';
import type { InvitationThrottlePolicy } from '../invitation-throttle-policy';
import type { InvitableRole } from '../role';

/** Fixtures build many workspaces per owner: the per-inviter throttle is for people, not these. */
const UNTHROTTLED: InvitationThrottlePolicy = {
  maxPerWindow: Number.MAX_SAFE_INTEGER,
  windowSeconds: 1,
};

export type Person = User & Actor;

/** Registers one user per name (email `<name>@example.com`). */
export async function registerUsers(db: Database, names: readonly string[]): Promise<Person[]> {
  return db.transaction(async (session) => {
    const users: Person[] = [];
    for (const name of names) {
      const { user } = await signUp(session, {
        email: `${name}@example.com`,
        password: `password-of-${name}`,
        name,
      });
      users.push({ ...user, userId: user.id });
    }
    return users;
  });
}

/**
 * `person` joins the workspace with `role` the only way there is: `inviter` (its owner, or an
 * admin for members and viewers) invites their email and they accept, in one transaction.
 */
export async function joinByInvitation(
  db: Database,
  inviter: Actor,
  workspaceId: string,
  person: Person,
  role: InvitableRole,
): Promise<void> {
  await db.transaction(async (session) => {
    const { id } = await inviteToWorkspace(
      session,
      inviter,
      { workspaceId, email: person.email, role },
      { policy: UNTHROTTLED },
    );
    await acceptInvitation(session, person, { id });
  });
}

/** A workspace owned by `owner` whose other members joined by invitation, through the real services. */
export async function workspaceWith(
  db: Database,
  owner: Person,
  slug: string,
  members: ReadonlyArray<readonly [Person, InvitableRole]>,
): Promise<string> {
  return db.transaction(async (session) => {
    const { id } = await createWorkspace(session, owner, { name: slug, slug });
    for (const [person, role] of members) {
      const invitation = await inviteToWorkspace(
        session,
        owner,
        { workspaceId: id, email: person.email, role },
        { policy: UNTHROTTLED },
      );
      await acceptInvitation(session, person, { id: invitation.id });
    }
    return id;
  });
}

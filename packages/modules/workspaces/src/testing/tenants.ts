import type { Database } from '@trellis/db';
import { signUp, type User } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import { addMember } from '../services/add-member';
import { createWorkspace } from '../services/create-workspace';
import type { Role } from '../role';

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

/** A workspace owned by `owner` with the given extra members, added through the real service. */
export async function workspaceWith(
  db: Database,
  owner: Person,
  slug: string,
  members: ReadonlyArray<readonly [Person, Exclude<Role, 'owner'>]>,
): Promise<string> {
  return db.transaction(async (session) => {
    const { id } = await createWorkspace(session, owner, { name: slug, slug });
    for (const [person, role] of members) {
      await addMember(session, owner, { workspaceId: id, email: person.email, role });
    }
    return id;
  });
}

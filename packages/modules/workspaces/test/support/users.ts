import type { Database } from '@trellis/db';
import { signUp, type User } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';

/** Registers one user per name (email `<name>@example.com`) and returns each with its actor. */
export async function registerUsers<const Names extends readonly string[]>(
  db: Database,
  names: Names,
): Promise<{ [K in keyof Names]: User & Actor }> {
  return db.transaction(async (session) => {
    const users: Array<User & Actor> = [];
    for (const name of names) {
      const { user } = await signUp(session, {
        email: `${name}@example.com`,
        password: `password-of-${name}`,
        name,
      });
      users.push({ ...user, userId: user.id });
    }
    return users as { [K in keyof Names]: User & Actor };
  });
}

/** The public part of a registered user, as services return it. */
export function publicUser(user: User): User {
  return { id: user.id, email: user.email, name: user.name };
}

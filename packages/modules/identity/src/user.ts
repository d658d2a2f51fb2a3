/** A user as every other module sees it: never a password hash. */
export interface User {
  id: string;
  email: string;
  name: string;
}

/** Copies the public fields into a plain object, so no model instance or secret leaves. */
export function toUser(row: { id: string; email: string; name: string }): User {
  return { id: row.id, email: row.email, name: row.name };
}

/** The columns to select for a `User` (never the password hash). */
export const USER_COLUMNS = ['users.id', 'users.email', 'users.name'] as const;

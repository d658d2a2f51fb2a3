import type { Session } from '@trellis/db';
import { toUser, type User } from '@trellis/identity';

export interface WorkspaceUser {
  user: User;
  /** True when the user is a member (any role) of the workspace asked about. */
  isMember: boolean;
}

/**
 * The users with these ids and whether each is a member of `workspaceId`, in ONE query. The
 * tasks module checks a new assignee and reads the reporter with it; memberships are this
 * module's table, so the membership test lives here. No access check: the caller did it.
 */
export async function findWorkspaceUsers(
  session: Session,
  workspaceId: string,
  userIds: readonly string[],
): Promise<Map<string, WorkspaceUser>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  // On every task write's path: one prepared statement, no query builder (issue 10).
  const rows = await session.query<{ id: string; email: string; name: string; isMember: boolean }>(
    `select users.id, users.email, users.name,
            exists (select 1 from memberships as m
                    where m.workspace_id = $1 and m.user_id = users.id) as "isMember"
     from users where users.id = any($2::uuid[])`,
    [workspaceId, ids],
    { prepare: true },
  );
  return new Map(rows.map((row) => [row.id, { user: toUser(row), isMember: row.isMember }]));
}

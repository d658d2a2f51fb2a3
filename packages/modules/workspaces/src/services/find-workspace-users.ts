import type { Session } from '@trellis/db';
import { UserModel, toUser, type User } from '@trellis/identity';
import { raw } from 'objection';
import { MembershipModel } from '../models/membership-model';

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
  const rows = (await UserModel.query(session)
    .select(
      'users.id',
      'users.email',
      'users.name',
      raw(
        'exists (select 1 from ?? as m where m.workspace_id = ? and m.user_id = users.id) as is_member',
        [MembershipModel.tableName, workspaceId],
      ),
    )
    .whereIn('users.id', ids)) as Array<UserModel & { isMember: boolean }>;
  return new Map(rows.map((row) => [row.id, { user: toUser(row), isMember: row.isMember }]));
}

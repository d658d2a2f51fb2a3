import { BaseModel } from '@trellis/db';
import { UserModel } from '@trellis/identity';
import type { Role } from '../role';

/** Table `memberships` (primary key workspace_id + user_id). Exported for relation mappings. */
export class MembershipModel extends BaseModel {
  static override tableName = 'memberships';
  static override idColumn = ['workspace_id', 'user_id'];

  declare workspaceId: string;
  declare userId: string;
  declare role: Role;
  declare user?: UserModel;

  static override get relationMappings() {
    return {
      user: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: UserModel,
        join: { from: 'memberships.user_id', to: 'users.id' },
      },
    };
  }
}

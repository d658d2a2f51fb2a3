import { BaseModel } from '@trellis/db';
import { MembershipModel } from './membership-model';

/** Table `workspaces`. Exported for other modules' relation mappings; services return plain data. */
export class WorkspaceModel extends BaseModel {
  static override tableName = 'workspaces';

  declare id: string;
  declare name: string;
  declare slug: string;
  declare memberships?: MembershipModel[];

  static override get relationMappings() {
    return {
      memberships: {
        relation: BaseModel.HasManyRelation,
        modelClass: MembershipModel,
        join: { from: 'workspaces.id', to: 'memberships.workspace_id' },
      },
    };
  }
}

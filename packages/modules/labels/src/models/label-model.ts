import { BaseModel } from '@trellis/db';
import { WorkspaceModel } from '@trellis/workspaces';

/** Table `labels`. Exported for relation mappings (the tasks module's task labels). */
export class LabelModel extends BaseModel {
  static override tableName = 'labels';

  declare id: string;
  declare workspaceId: string;
  declare name: string;
  declare color: string;
  declare workspace?: WorkspaceModel;

  static override get relationMappings() {
    return {
      workspace: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: WorkspaceModel,
        join: { from: 'labels.workspace_id', to: 'workspaces.id' },
      },
    };
  }
}

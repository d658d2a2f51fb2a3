import { BaseModel } from '@trellis/db';
import { WorkspaceModel } from '@trellis/workspaces';

/** Table `projects`. Exported for relation mappings and the tasks module's number allocator. */
export class ProjectModel extends BaseModel {
  static override tableName = 'projects';

  declare id: string;
  declare workspaceId: string;
  declare key: string;
  declare name: string;
  declare lastTaskNumber: number;
  declare workspace?: WorkspaceModel;

  static override get relationMappings() {
    return {
      workspace: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: WorkspaceModel,
        join: { from: 'projects.workspace_id', to: 'workspaces.id' },
      },
    };
  }
}

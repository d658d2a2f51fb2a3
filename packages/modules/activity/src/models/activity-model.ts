import { BaseModel } from '@trellis/db';
import { UserModel } from '@trellis/identity';
import type { ActivityKind } from '../activity-kind';

/** Table `activity`: append-only, so no updated_at. Internal to this module. */
export class ActivityModel extends BaseModel {
  static override tableName = 'activity';
  static override hasUpdatedAt = false;
  static override jsonAttributes = ['data'];

  declare id: string;
  declare workspaceId: string;
  declare actorId: string;
  declare kind: ActivityKind;
  declare taskId: string | null;
  declare data: Record<string, unknown>;
  declare actor?: UserModel;

  static override get relationMappings() {
    return {
      actor: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: UserModel,
        join: { from: 'activity.actor_id', to: 'users.id' },
      },
    };
  }
}

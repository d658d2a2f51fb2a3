import { BaseModel } from '@trellis/db';
import { UserModel } from './user-model';

/** Table `auth_tokens`: the SHA-256 of each issued bearer token. Internal to identity. */
export class AuthTokenModel extends BaseModel {
  static override tableName = 'auth_tokens';
  static override hasUpdatedAt = false;
  static override hiddenFields = ['tokenHash'];

  declare id: string;
  declare userId: string;
  declare tokenHash: string;
  declare expiresAt: Date;
  declare revokedAt: Date | null;
  declare user?: UserModel;

  static override get relationMappings() {
    return {
      user: {
        relation: BaseModel.BelongsToOneRelation,
        modelClass: UserModel,
        join: { from: 'auth_tokens.user_id', to: 'users.id' },
      },
    };
  }
}

import { BaseModel } from '@trellis/db';

/** Table `users`. Exported for other modules' relation mappings; services return plain `User`s. */
export class UserModel extends BaseModel {
  static override tableName = 'users';
  static override hiddenFields = ['passwordHash'];

  declare id: string;
  declare email: string;
  declare name: string;
  declare passwordHash: string;
}

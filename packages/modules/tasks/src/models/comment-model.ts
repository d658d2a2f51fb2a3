import { BaseModel } from '@trellis/db';

/** Table `comments`. The author is read by a join (see task-query.ts). */
export class CommentModel extends BaseModel {
  static override tableName = 'comments';

  declare id: string;
  declare taskId: string;
  declare authorId: string;
  declare body: string;
}

import { BaseModel } from '@trellis/db';
import { LabelModel } from '@trellis/labels';
import type { TaskPriority, TaskStatus } from '../types';
import { CommentModel } from './comment-model';

/**
 * Table `tasks`. The reporter and assignee are read by joins (see task-query.ts), so only the
 * to-many relations are mapped here.
 */
export class TaskModel extends BaseModel {
  static override tableName = 'tasks';

  declare id: string;
  declare projectId: string;
  declare number: number;
  declare title: string;
  declare description: string | null;
  declare status: TaskStatus;
  declare priority: TaskPriority;
  declare assigneeId: string | null;
  declare reporterId: string;
  declare dueDate: Date | null;
  declare version: number;

  declare labels?: LabelModel[];
  declare comments?: CommentModel[];

  static override get relationMappings() {
    return {
      labels: {
        relation: BaseModel.ManyToManyRelation,
        modelClass: LabelModel,
        join: {
          from: 'tasks.id',
          // The join table has no model of its own, so no name mapping: real column names.
          through: { from: 'task_labels.task_id', to: 'task_labels.label_id' },
          to: 'labels.id',
        },
      },
      comments: {
        relation: BaseModel.HasManyRelation,
        modelClass: CommentModel,
        join: { from: 'tasks.id', to: 'comments.task_id' },
      },
    };
  }
}

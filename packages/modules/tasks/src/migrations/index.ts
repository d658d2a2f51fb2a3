import type { Migration } from '@trellis/db';
import { createComments } from './20261125150100-create-comments';
import { createTaskLabels } from './20261125150200-create-task-labels';
import { createTasks } from './20261125150000-create-tasks';
import { listFilterIndexes } from './20261130020000-list-filter-indexes';
import { openTaskCounts } from './20261130020100-open-task-counts';
import { titleWords } from './20261207100000-title-words';
import { statusAssigneeIndex } from './20261207100100-status-assignee-index';

/** The tasks module's schema changes, in order. */
export const tasksMigrations: Migration[] = [
  createTasks,
  createComments,
  createTaskLabels,
  listFilterIndexes,
  openTaskCounts,
  titleWords,
  statusAssigneeIndex,
];

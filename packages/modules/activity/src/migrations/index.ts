import type { Migration } from '@trellis/db';
import { createActivity } from './create-activity';
import { extendActivityKinds } from './extend-activity-kinds';
import { createActivityFeed } from './create-activity-feed';

export const activityMigrations: Migration[] = [
  createActivity,
  extendActivityKinds,
  createActivityFeed,
];

import type { Migration } from '@trellis/db';
import { createActivity } from './create-activity';
import { extendActivityKinds } from './extend-activity-kinds';

export const activityMigrations: Migration[] = [createActivity, extendActivityKinds];

import type { Migration } from '@trellis/db';
import { createActivity } from './create-activity';

export const activityMigrations: Migration[] = [createActivity];

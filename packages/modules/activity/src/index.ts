export { activityMigrations } from './migrations';
export type { ActivityKind } from './activity-kind';
export type { ActivityEntry } from './schemas';
export { activityEntrySchema, listActivityInput } from './schemas';
export { recordActivities, recordActivity } from './services/record-activity';
export type { ActivityRecord } from './services/record-activity';
export { listActivity } from './services/list-activity';
export { APPEND_ONLY_TABLES } from './runtime-privileges';

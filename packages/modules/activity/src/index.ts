export { activityMigrations } from './migrations';
export type { ActivityKind } from './activity-kind';
export type { ActivityEntry } from './schemas';
export { activityEntrySchema, listActivityInput } from './schemas';
export { recordActivity } from './services/record-activity';
export { listActivity } from './services/list-activity';

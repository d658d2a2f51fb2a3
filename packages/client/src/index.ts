export {
  createTrellisClient,
  MAX_BATCH_ITEMS,
  MAX_URL_LENGTH,
  type TokenSource,
  type TrellisClient,
  type TrellisClientOptions,
} from './create-trellis-client';
export {
  safeRetryLink,
  retryDelayMs,
  type RetryOptions,
  type RetrySettings,
} from './safe-retry-link';
export { type SubscriptionTokenTransport } from './subscription-link';
export {
  TrellisError,
  isBadRequest,
  isConflict,
  isForbidden,
  isNetworkError,
  isNotFound,
  isTooManyRequests,
  isUnauthorized,
  isUnavailable,
  parseRetryAfter,
  type FieldIssue,
  type TrellisErrorCode,
} from './trellis-error';
export type { AppRouter, ErrorShape, ProcedureMeta } from './app-router.generated';
export type {
  RouterInputs,
  RouterOutputs,
  Task,
  TaskDetail,
  TaskListItem,
  Project,
  Label,
  Comment,
  WorkspaceSummary,
  WorkspaceDetail,
  User,
  ActivityEntry,
  ActivityEvent,
} from './router-types';

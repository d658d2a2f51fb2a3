import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './app-router.generated';

/** Every procedure's input, e.g. `RouterInputs['tasks']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output (dates are `Date`: superjson carries them). */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export type Task = RouterOutputs['tasks']['create'];
export type TaskDetail = RouterOutputs['tasks']['get'];
export type TaskListItem = RouterOutputs['tasks']['list']['items'][number];
export type Comment = RouterOutputs['comments']['add'];
export type Project = RouterOutputs['projects']['create'];
export type Label = RouterOutputs['labels']['create'];
export type WorkspaceSummary = RouterOutputs['workspaces']['create'];
export type WorkspaceDetail = RouterOutputs['workspaces']['get'];
export type User = RouterOutputs['auth']['me'];
export type ActivityEntry = RouterOutputs['activity']['list'][number];
/**
 * One event of `activity.onEvent`: `id` is its position in the workspace's feed (pass it back as
 * `lastEventId` to resume after it), `data` an entry exactly as `activity.list` gives it.
 */
export type ActivityEvent =
  RouterOutputs['activity']['onEvent'] extends AsyncIterable<infer Event> ? Event : never;

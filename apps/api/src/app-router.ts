import { activityRouter } from './routers/activity-router';
import { authRouter } from './routers/auth-router';
import { commentsRouter } from './routers/comments-router';
import { invitationsRouter } from './routers/invitations-router';
import { labelsRouter } from './routers/labels-router';
import { projectsRouter } from './routers/projects-router';
import { tasksRouter } from './routers/tasks-router';
import { workspacesRouter } from './routers/workspaces-router';
import { router } from './trpc/init';

export const appRouter = router({
  auth: authRouter,
  workspaces: workspacesRouter,
  invitations: invitationsRouter,
  projects: projectsRouter,
  labels: labelsRouter,
  tasks: tasksRouter,
  comments: commentsRouter,
  activity: activityRouter,
});

/** The type clients import to call the API with full types. */
export type AppRouter = typeof appRouter;

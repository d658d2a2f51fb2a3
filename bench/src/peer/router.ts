import { createHash } from 'node:crypto';
import { initTRPC, TRPCError } from '@trpc/server';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import superjson from 'superjson';
import { z } from 'zod';
import {
  COMMENTS_FIRST_PAGE,
  encodeCommentCursor,
  encodeTaskCursor,
  itemsWithinTextBudget,
  MAX_PAGE_TEXT,
} from '../trellis-page-bounds';
import type * as schema from './schema';

/**
 * The peer: the three procedures as most tRPC monorepos write them (create-t3-turbo style):
 * a protectedProcedure that looks the token up, zod inputs, Drizzle relational queries
 * (`db.query.*.findFirst/findMany` with `with`), a membership check, no transaction, no
 * request log. Its answers are Trellis's, byte for byte.
 */

export type PeerDatabase = NodePgDatabase<typeof schema>;

export interface PeerContext {
  db: PeerDatabase;
  token: string | null;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,256})$/;

export function createContextFactory(db: PeerDatabase) {
  return ({ req }: CreateFastifyContextOptions): PeerContext => {
    const header = req.headers.authorization;
    return { db, token: header ? (BEARER.exec(header.trim())?.[1] ?? null) : null };
  };
}

const t = initTRPC.context<PeerContext>().create({ transformer: superjson, isDev: false });

const UNAUTHORIZED_MESSAGE = 'Not signed in, or the token is invalid or expired';

const protectedProcedure = t.procedure.use(async ({ ctx, next }) => {
  const token = ctx.token;
  if (!token || token.length > 128) {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: UNAUTHORIZED_MESSAGE });
  }
  const found = await ctx.db.query.authTokens.findFirst({
    columns: { id: true },
    where: (tokens, { gt }) =>
      and(
        eq(tokens.tokenHash, createHash('sha256').update(token, 'utf8').digest('hex')),
        isNull(tokens.revokedAt),
        gt(tokens.expiresAt, sql`now()`),
      ),
    with: { user: { columns: { id: true, email: true, name: true } } },
  });
  if (!found) throw new TRPCError({ code: 'UNAUTHORIZED', message: UNAUTHORIZED_MESSAGE });
  return next({ ctx: { user: found.user } });
});

const userColumns = { columns: { id: true, email: true, name: true } } as const;

interface UserOut {
  id: string;
  email: string;
  name: string;
}

const toUser = (user: UserOut): UserOut => ({ id: user.id, email: user.email, name: user.name });

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Labels by name ignoring case, then id: the order Trellis gives them. */
function sortedLabels(
  links: ReadonlyArray<{ label: { id: string; name: string; color: string } }>,
) {
  return links
    .map(({ label }) => ({ id: label.id, name: label.name, color: label.color }))
    .sort(
      (a, b) => compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.id, b.id),
    );
}

interface TaskWithRelations {
  id: string;
  projectId: string;
  number: number;
  title: string;
  description: string | null;
  status: string;
  priority: string;
  dueDate: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  assignee: UserOut | null;
  reporter: UserOut;
  taskLabels: Array<{ label: { id: string; name: string; color: string } }>;
}

function toTask(task: TaskWithRelations, projectKey: string) {
  return {
    id: task.id,
    projectId: task.projectId,
    number: task.number,
    key: `${projectKey}-${task.number}`,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    dueDate: task.dueDate,
    version: task.version,
    createdAt: task.createdAt,
    updatedAt: task.updatedAt,
    assignee: task.assignee ? toUser(task.assignee) : null,
    reporter: toUser(task.reporter),
    labels: sortedLabels(task.taskLabels),
  };
}

const taskRelations = {
  assignee: userColumns,
  reporter: userColumns,
  taskLabels: {
    columns: {},
    with: { label: { columns: { id: true, name: true, color: true } } },
  },
} as const;

async function isMember(db: PeerDatabase, workspaceId: string, userId: string): Promise<boolean> {
  const membership = await db.query.memberships.findFirst({
    columns: { role: true },
    where: (m, { and, eq }) => and(eq(m.workspaceId, workspaceId), eq(m.userId, userId)),
  });
  return membership !== undefined;
}

const CURSOR = /^n:([1-9][0-9]{0,9})$/;

function decodeCursor(cursor: string): number {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString('utf8')
    : '';
  const value = Number(CURSOR.exec(text)?.[1] ?? Number.NaN);
  if (!Number.isSafeInteger(value) || value > 2_147_483_647) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'The cursor is not valid' });
  }
  return value;
}

export const peerRouter = t.router({
  auth: t.router({
    me: protectedProcedure.query(({ ctx }) => toUser(ctx.user)),
  }),
  tasks: t.router({
    get: protectedProcedure
      .input(z.strictObject({ id: z.uuid() }))
      .query(async ({ ctx, input }) => {
        const task = await ctx.db.query.tasks.findFirst({
          where: (tasks, { eq }) => eq(tasks.id, input.id),
          with: {
            ...taskRelations,
            project: { columns: { id: true, key: true, name: true, workspaceId: true } },
            comments: {
              columns: { id: true, body: true, createdAt: true },
              orderBy: (comments, { asc }) => [asc(comments.createdAt), asc(comments.id)],
              limit: COMMENTS_FIRST_PAGE + 1,
              with: { author: userColumns },
            },
          },
        });
        if (!task || !(await isMember(ctx.db, task.project.workspaceId, ctx.user.id))) {
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Task not found' });
        }
        // The first page of comments, cut by size after the task's own text (as Trellis).
        const kept = itemsWithinTextBudget(
          task.comments.slice(0, COMMENTS_FIRST_PAGE),
          (comment) => comment.body.length,
          Math.max(0, MAX_PAGE_TEXT - task.title.length - (task.description?.length ?? 0)),
        );
        const shown = task.comments.slice(0, kept);
        const last = shown.at(-1);
        return {
          ...toTask(task, task.project.key),
          project: { id: task.project.id, key: task.project.key, name: task.project.name },
          comments: shown.map((comment) => ({
            id: comment.id,
            body: comment.body,
            createdAt: comment.createdAt,
            author: toUser(comment.author),
          })),
          commentsCursor: task.comments.length > kept && last ? encodeCommentCursor(last.id) : null,
        };
      }),

    list: protectedProcedure
      .input(
        z.strictObject({
          projectId: z.uuid(),
          status: z.enum(['backlog', 'todo', 'in_progress', 'done', 'canceled']).optional(),
          assigneeId: z.uuid().nullable().optional(),
          labelId: z.uuid().optional(),
          search: z.string().trim().min(1).max(200).optional(),
          limit: z.number().int().min(1).max(100).default(50),
          cursor: z.string().max(200).nullish(),
        }),
      )
      .query(async ({ ctx, input }) => {
        const before = input.cursor ? decodeCursor(input.cursor) : undefined;
        const project = await ctx.db.query.projects.findFirst({
          columns: { id: true, key: true, workspaceId: true },
          where: (projects, { eq }) => eq(projects.id, input.projectId),
        });
        if (!project || !(await isMember(ctx.db, project.workspaceId, ctx.user.id))) {
          throw new TRPCError({ code: 'NOT_FOUND', message: 'Project not found' });
        }
        const rows = await ctx.db.query.tasks.findMany({
          where: (tasks) =>
            and(
              eq(tasks.projectId, project.id),
              before === undefined ? undefined : lt(tasks.number, before),
              input.status === undefined ? undefined : eq(tasks.status, input.status),
              input.assigneeId === null
                ? isNull(tasks.assigneeId)
                : input.assigneeId === undefined
                  ? undefined
                  : eq(tasks.assigneeId, input.assigneeId),
              input.labelId === undefined
                ? undefined
                : sql`exists (select 1 from task_labels where task_labels.task_id = ${tasks.id} and task_labels.label_id = ${input.labelId})`,
              input.search === undefined
                ? undefined
                : sql`to_tsvector('simple', ${tasks.title}) @@ plainto_tsquery('simple', ${input.search})`,
            ),
          orderBy: (tasks, { desc }) => [desc(tasks.number)],
          limit: input.limit + 1,
          // Inside a relational query Drizzle rewrites every column of the queried table to its
          // alias, other tables' columns included: the subqueries name their tables in plain SQL.
          extras: (tasks) => ({
            commentCount:
              sql<number>`(select count(*)::int from comments where comments.task_id = ${tasks.id})`.as(
                'comment_count',
              ),
          }),
          with: taskRelations,
        });
        const kept = itemsWithinTextBudget(
          rows.slice(0, input.limit),
          (task) => task.title.length + (task.description?.length ?? 0),
        );
        const page = rows.slice(0, kept);
        const last = page.at(-1);
        return {
          items: page.map((task) => ({
            ...toTask(task, project.key),
            commentCount: task.commentCount,
          })),
          nextCursor: rows.length > kept && last ? encodeTaskCursor(last.number) : null,
        };
      }),
  }),
});

export type PeerRouter = typeof peerRouter;

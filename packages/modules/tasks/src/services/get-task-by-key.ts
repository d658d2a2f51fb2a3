import type { Session } from '@trellis/db';
import type { Actor } from '@trellis/kernel';
import type { z } from 'zod';
import { getTaskByKeyInput, splitTaskKey } from '../schemas';
import type { TaskDetail } from '../types';
import { readTaskDetail } from './get-task';

/**
 * One task by its key in a workspace (`{ workspaceId, key: 'ENG-12' }`), with its project and
 * comments, exactly as getTask gives it; any member, viewers included. The key is resolved in
 * the same query that fetches the task and checks the membership, so it costs what getTask
 * costs (3 queries). A non-member, an unknown project key and an unknown number all get
 * NotFoundError('Task').
 */
export async function getTaskByKey(
  session: Session,
  actor: Actor,
  rawInput: z.input<typeof getTaskByKeyInput>,
): Promise<TaskDetail> {
  const { workspaceId, key } = getTaskByKeyInput.parse(rawInput);
  return readTaskDetail(session, actor, { workspaceId, ...splitTaskKey(key) });
}

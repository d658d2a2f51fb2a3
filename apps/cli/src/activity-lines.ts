import type { ActivityEntry } from '@trellis/client';

/**
 * One line of `trellis watch` per activity entry: what happened, to what, by whom
 * (`ENG-12 moved to done by Carol`). Pure: whatever the entry's `data` does not carry (people's
 * names, a task's new values) comes in `LineContext`, looked up by the watcher beforehand.
 *
 * What each kind's `data` carries (packages/modules/{tasks,workspaces}/src/services):
 * - task.created    { key, title, imported? }
 * - task.updated    { key, fields }: the names of the changed fields, not their new values
 * - task.deleted    { key }
 * - comment.added   { key, commentId }
 * - member.added    { userId, role, invitedBy } (the actor is the person who joined)
 * - member.removed  { userId, role }
 * - member.left     { userId, role } (the actor is the person who left)
 * - member.role_changed { userId, from, to }
 * - workspace.ownership_transferred { from, to } (the actor is the old owner)
 */

/** A task as it is now (`tasks.get`), for the new values of a `task.updated` entry. */
export interface TaskSnapshot {
  title: string;
  status: string;
  priority: string;
  dueDate: Date | null;
  updatedAt: Date;
  assignee: { name: string } | null;
  labels: ReadonlyArray<{ name: string }>;
}

export interface LineContext {
  /** A person's display name by user id, if known. */
  userName(userId: string): string | undefined;
  /**
   * The task of a `task.updated` entry as it was right after that change (the watcher fetches
   * it and passes it only if the task has not changed again since); without it the line names
   * the changed fields.
   */
  task?: TaskSnapshot | undefined;
}

/** The fields of `task.updated` whose new value a line can show from a TaskSnapshot. */
export const SHOWN_FIELDS: ReadonlySet<string> = new Set([
  'status',
  'priority',
  'title',
  'assigneeId',
  'dueDate',
  'labelIds',
]);

/** The words people use for the API's field names. */
const FIELD_WORDS: Record<string, string> = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  assigneeId: 'assignee',
  dueDate: 'due date',
  labelIds: 'labels',
};

/** Who the watcher cannot name (no longer a member when it looked, or never seen). */
const UNKNOWN_PERSON = 'someone';

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** `a`, `a and b`, `a, b and c`. */
function joinPhrases(phrases: readonly string[]): string {
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;
}

/** What changed in a task, as phrases (`moved to done`), from the fields and the task now. */
function changePhrases(fields: readonly string[], task: TaskSnapshot): string[] {
  return fields.map((field) => {
    switch (field) {
      case 'status':
        return `moved to ${task.status}`;
      case 'priority':
        return `priority set to ${task.priority}`;
      case 'title':
        return `renamed to "${task.title}"`;
      case 'assigneeId':
        return task.assignee ? `assigned to ${task.assignee.name}` : 'unassigned';
      case 'dueDate':
        return task.dueDate
          ? `due date set to ${task.dueDate.toISOString().slice(0, 10)}`
          : 'due date removed';
      case 'labelIds':
        return task.labels.length > 0
          ? `labels set to ${task.labels.map((label) => label.name).join(', ')}`
          : 'labels removed';
      case 'description':
        return 'description edited';
      default:
        return `${FIELD_WORDS[field] ?? field} changed`;
    }
  });
}

function fieldsOf(data: Record<string, unknown>): string[] {
  return Array.isArray(data.fields)
    ? data.fields.filter((field): field is string => typeof field === 'string')
    : [];
}

/** The line for one entry (no trailing newline). */
export function formatActivityLine(
  entry: Pick<ActivityEntry, 'kind' | 'actor' | 'data'>,
  context: LineContext,
): string {
  const { data } = entry;
  const actor = entry.actor.name;
  const key = text(data.key) ?? 'a task';
  const person = (value: unknown) => {
    const id = text(value);
    return (id && context.userName(id)) ?? UNKNOWN_PERSON;
  };
  const role = text(data.role);
  switch (entry.kind as string) {
    case 'task.created': {
      const title = text(data.title);
      const verb = data.imported === true ? 'imported' : 'created';
      return `${key} ${verb} by ${actor}${title ? `: ${title}` : ''}`;
    }
    case 'task.updated': {
      const fields = fieldsOf(data);
      if (fields.length === 0) return `${key} updated by ${actor}`;
      if (context.task)
        return `${key} ${joinPhrases(changePhrases(fields, context.task))} by ${actor}`;
      const words = fields.map((field) => FIELD_WORDS[field] ?? field);
      return `${key} updated (${words.join(', ')}) by ${actor}`;
    }
    case 'task.deleted':
      return `${key} deleted by ${actor}`;
    case 'comment.added':
      return `${actor} commented on ${key}`;
    case 'member.added': {
      const inviter = text(data.invitedBy) ? `, invited by ${person(data.invitedBy)}` : '';
      return `${actor} joined${role ? ` as ${role}` : ''}${inviter}`;
    }
    case 'member.removed':
      return `${person(data.userId)}${role ? ` (${role})` : ''} removed by ${actor}`;
    case 'member.left':
      return `${actor}${role ? ` (${role})` : ''} left the workspace`;
    case 'member.role_changed': {
      const from = text(data.from);
      const to = text(data.to) ?? 'another role';
      return `${person(data.userId)} is now ${to}${from ? ` (was ${from})` : ''}, changed by ${actor}`;
    }
    case 'workspace.ownership_transferred':
      return `${actor} transferred ownership to ${person(data.to)}`;
    default: {
      // A kind this version does not know yet: its name, the task key if any, the actor.
      const subject = text(data.key) ? ` ${String(data.key)}` : '';
      return `${entry.kind}${subject} by ${actor}`;
    }
  }
}

/** Whether the line of this entry can show new values if the task is fetched. */
export function wantsTaskSnapshot(entry: Pick<ActivityEntry, 'kind' | 'data' | 'taskId'>): boolean {
  return (
    entry.kind === 'task.updated' &&
    entry.taskId !== null &&
    fieldsOf(entry.data).some((field) => SHOWN_FIELDS.has(field))
  );
}

/** The user ids an entry's line names besides its actor (looked up before formatting). */
export function peopleOf(entry: Pick<ActivityEntry, 'kind' | 'data'>): string[] {
  const ids: unknown[] = [];
  switch (entry.kind as string) {
    case 'member.added':
      ids.push(entry.data.invitedBy);
      break;
    case 'member.removed':
    case 'member.role_changed':
      ids.push(entry.data.userId);
      break;
    case 'workspace.ownership_transferred':
      ids.push(entry.data.to);
      break;
  }
  return ids.filter((id): id is string => typeof id === 'string' && id !== '');
}

import type { ActivityEntry } from '@trellis/client';
import { describe, expect, it } from 'vitest';
import {
  formatActivityLine,
  peopleOf,
  wantsTaskSnapshot,
  type LineContext,
  type TaskSnapshot,
} from '../src/activity-lines';
import { jsonLine } from '../src/commands/watch-command';

const carol = { id: 'u-carol', email: 'carol@example.com', name: 'Carol' };
const people: Record<string, string> = { 'u-bob': 'Bob', 'u-dan': 'Dan', 'u-carol': 'Carol' };
const context = (task?: TaskSnapshot): LineContext => ({
  userName: (id) => people[id],
  task,
});

function entry(
  kind: ActivityEntry['kind'],
  data: Record<string, unknown>,
  taskId: string | null = null,
): ActivityEntry {
  return {
    id: 'a1',
    kind,
    actor: carol,
    taskId,
    createdAt: new Date('2030-01-01T10:00:00Z'),
    data,
  };
}

const snapshot = (changes: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
  title: 'Fix the login page',
  status: 'done',
  priority: 'high',
  dueDate: new Date('2030-01-31T00:00:00Z'),
  updatedAt: new Date('2030-01-01T10:00:00Z'),
  assignee: { name: 'Bob' },
  labels: [{ name: 'bug' }, { name: 'ui' }],
  ...changes,
});

describe('one readable line per activity kind', () => {
  it('task.created, imported tasks too', () => {
    expect(
      formatActivityLine(
        entry('task.created', { key: 'ENG-12', title: 'Fix the login page' }),
        context(),
      ),
    ).toBe('ENG-12 created by Carol: Fix the login page');
    expect(
      formatActivityLine(
        entry('task.created', { key: 'ENG-13', title: 'Old bug', imported: true }),
        context(),
      ),
    ).toBe('ENG-13 imported by Carol: Old bug');
  });

  it('task.updated with the task as it is now: the new values', () => {
    const update = (fields: string[]) => entry('task.updated', { key: 'ENG-12', fields }, 't1');
    expect(formatActivityLine(update(['status']), context(snapshot()))).toBe(
      'ENG-12 moved to done by Carol',
    );
    expect(formatActivityLine(update(['status', 'assigneeId']), context(snapshot()))).toBe(
      'ENG-12 moved to done and assigned to Bob by Carol',
    );
    expect(formatActivityLine(update(['priority', 'title', 'dueDate']), context(snapshot()))).toBe(
      'ENG-12 priority set to high, renamed to "Fix the login page" and due date set to 2030-01-31 by Carol',
    );
    expect(formatActivityLine(update(['labelIds']), context(snapshot()))).toBe(
      'ENG-12 labels set to bug, ui by Carol',
    );
    expect(
      formatActivityLine(
        update(['assigneeId', 'dueDate', 'labelIds']),
        context(snapshot({ assignee: null, dueDate: null, labels: [] })),
      ),
    ).toBe('ENG-12 unassigned, due date removed and labels removed by Carol');
    expect(formatActivityLine(update(['description', 'status']), context(snapshot()))).toBe(
      'ENG-12 description edited and moved to done by Carol',
    );
  });

  it('task.updated without the task (changed again since, deleted, or nothing to show): the fields', () => {
    expect(
      formatActivityLine(
        entry('task.updated', { key: 'ENG-12', fields: ['status', 'assigneeId', 'dueDate'] }),
        context(),
      ),
    ).toBe('ENG-12 updated (status, assignee, due date) by Carol');
    expect(
      formatActivityLine(
        entry('task.updated', { key: 'ENG-12', fields: ['description'] }),
        context(),
      ),
    ).toBe('ENG-12 updated (description) by Carol');
    expect(formatActivityLine(entry('task.updated', { key: 'ENG-12' }), context())).toBe(
      'ENG-12 updated by Carol',
    );
  });

  it('task.deleted and comment.added', () => {
    expect(formatActivityLine(entry('task.deleted', { key: 'ENG-12' }), context())).toBe(
      'ENG-12 deleted by Carol',
    );
    expect(
      formatActivityLine(entry('comment.added', { key: 'ENG-12', commentId: 'c1' }), context()),
    ).toBe('Carol commented on ENG-12');
  });

  it('member.added, member.removed, member.left, member.role_changed', () => {
    expect(
      formatActivityLine(
        entry('member.added', { userId: 'u-carol', role: 'member', invitedBy: 'u-dan' }),
        context(),
      ),
    ).toBe('Carol joined as member, invited by Dan');
    expect(
      formatActivityLine(entry('member.removed', { userId: 'u-bob', role: 'viewer' }), context()),
    ).toBe('Bob (viewer) removed by Carol');
    expect(
      formatActivityLine(entry('member.left', { userId: 'u-carol', role: 'admin' }), context()),
    ).toBe('Carol (admin) left the workspace');
    expect(
      formatActivityLine(
        entry('member.role_changed', { userId: 'u-bob', from: 'member', to: 'admin' }),
        context(),
      ),
    ).toBe('Bob is now admin (was member), changed by Carol');
  });

  it('workspace.ownership_transferred', () => {
    expect(
      formatActivityLine(
        entry('workspace.ownership_transferred', { from: 'u-carol', to: 'u-bob' }),
        context(),
      ),
    ).toBe('Carol transferred ownership to Bob');
  });

  it('someone no longer known, missing data and a kind this version does not know', () => {
    expect(
      formatActivityLine(entry('member.removed', { userId: 'u-gone', role: 'member' }), context()),
    ).toBe('someone (member) removed by Carol');
    expect(formatActivityLine(entry('task.deleted', {}), context())).toBe(
      'a task deleted by Carol',
    );
    const future = { ...entry('task.created', { key: 'ENG-1' }), kind: 'task.archived' };
    expect(formatActivityLine(future as ActivityEntry, context())).toBe(
      'task.archived ENG-1 by Carol',
    );
  });
});

describe('what a line needs looked up', () => {
  it('a task only for a task.updated whose new values it can show', () => {
    expect(wantsTaskSnapshot(entry('task.updated', { fields: ['status'] }, 't1'))).toBe(true);
    expect(wantsTaskSnapshot(entry('task.updated', { fields: ['description'] }, 't1'))).toBe(false);
    expect(wantsTaskSnapshot(entry('task.updated', { fields: ['status'] }, null))).toBe(false);
    expect(wantsTaskSnapshot(entry('task.created', { key: 'ENG-1' }, 't1'))).toBe(false);
  });

  it('the people a line names besides its actor', () => {
    expect(peopleOf(entry('member.added', { userId: 'u-carol', invitedBy: 'u-dan' }))).toEqual([
      'u-dan',
    ]);
    expect(peopleOf(entry('member.removed', { userId: 'u-bob' }))).toEqual(['u-bob']);
    expect(peopleOf(entry('member.role_changed', { userId: 'u-bob' }))).toEqual(['u-bob']);
    expect(peopleOf(entry('workspace.ownership_transferred', { to: 'u-bob' }))).toEqual(['u-bob']);
    expect(peopleOf(entry('member.left', { userId: 'u-carol' }))).toEqual([]);
    expect(peopleOf(entry('task.created', { key: 'ENG-1' }))).toEqual([]);
  });
});

describe('--json lines', () => {
  it('are one JSON object per line: the event id and the entry as the API gives it', () => {
    const line = jsonLine({ id: '42', data: entry('task.deleted', { key: 'ENG-12' }) });
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      eventId: '42',
      entry: {
        id: 'a1',
        kind: 'task.deleted',
        actor: carol,
        taskId: null,
        createdAt: '2030-01-01T10:00:00.000Z',
        data: { key: 'ENG-12' },
      },
    });
  });
});

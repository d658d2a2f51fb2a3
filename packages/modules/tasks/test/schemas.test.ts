import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '@trellis/kernel';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  addCommentInput,
  createTaskInput,
  deleteTaskInput,
  getTaskInput,
  listTasksInput,
  updateTaskInput,
} from '../src';
import { TaskCursor } from '../src/task-cursor';

const id = () => randomUUID();

/** The paths of the issues, or a failure when the input was accepted. */
function issuePaths(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`accepted: ${JSON.stringify(input)}`);
  return result.error.issues.map((issue) => issue.path);
}

describe('createTaskInput', () => {
  const valid = { projectId: id(), title: 'Fix the login page' };

  it('accepts a minimal task and fills the defaults', () => {
    expect(createTaskInput.parse({ ...valid, title: '  Fix the login page  ' })).toEqual({
      projectId: valid.projectId,
      title: 'Fix the login page',
      status: 'todo',
      priority: 'none',
      labelIds: [],
    });
  });

  it('accepts every documented field', () => {
    const dueDate = new Date('2026-12-24T12:00:00Z');
    const labelIds = Array.from({ length: 20 }, id);
    const parsed = createTaskInput.parse({
      ...valid,
      description: null,
      status: 'in_progress',
      priority: 'urgent',
      assigneeId: null,
      labelIds,
      dueDate,
    });
    expect(parsed).toMatchObject({ status: 'in_progress', priority: 'urgent', dueDate, labelIds });
  });

  it.each([
    ['a blank title', { title: '   ' }, ['title']],
    ['an empty title', { title: '' }, ['title']],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, ['title']],
    ['a title of the wrong type', { title: 42 }, ['title']],
    ['a project id that is no uuid', { projectId: 'ENG' }, ['projectId']],
    ['a description over 20000 characters', { description: 'x'.repeat(20_001) }, ['description']],
    ['an unknown status', { status: 'doing' }, ['status']],
    ['an unknown priority', { priority: 'critical' }, ['priority']],
    ['an assignee id that is no uuid', { assigneeId: 'bob' }, ['assigneeId']],
    ['more than 20 labels', { labelIds: Array.from({ length: 21 }, id) }, ['labelIds']],
    [
      'a repeated label',
      { labelIds: ['a', 'a'].map(() => '4f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a') },
      ['labelIds'],
    ],
    ['a label id that is no uuid', { labelIds: ['bug'] }, ['labelIds', 0]],
    ['a due date given as a string', { dueDate: '2026-12-24' }, ['dueDate']],
  ])('rejects %s', (_name, change, path) => {
    expect(issuePaths(createTaskInput, { ...valid, ...change })).toContainEqual(path);
  });

  it('rejects unknown keys (no mass assignment) and missing required fields', () => {
    expect(issuePaths(createTaskInput, { ...valid, number: 7 })).toContainEqual([]);
    expect(createTaskInput.safeParse({ ...valid, reporterId: id() }).error?.issues[0]?.code).toBe(
      'unrecognized_keys',
    );
    expect(issuePaths(createTaskInput, { projectId: valid.projectId })).toContainEqual(['title']);
  });
});

describe('updateTaskInput', () => {
  it('needs the id and the version read, and takes any subset of fields', () => {
    expect(
      updateTaskInput.parse({ id: '4f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a', version: 3 }),
    ).toEqual({
      id: '4f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a',
      version: 3,
    });
    expect(issuePaths(updateTaskInput, { id: id() })).toContainEqual(['version']);
    expect(issuePaths(updateTaskInput, { id: id(), version: 0 })).toContainEqual(['version']);
    expect(issuePaths(updateTaskInput, { id: id(), version: 1.5 })).toContainEqual(['version']);
    expect(issuePaths(updateTaskInput, { id: id(), version: '1' })).toContainEqual(['version']);
  });

  it.each([
    ['a blank title', { title: ' \t ' }, ['title']],
    ['an unknown status', { status: 'DONE' }, ['status']],
    ['an unknown priority', { priority: 3 }, ['priority']],
    ['too many labels', { labelIds: Array.from({ length: 21 }, id) }, ['labelIds']],
    ['a project move (unknown key)', { projectId: id() }, []],
    ['a version bump by hand (unknown key)', { number: 2 }, []],
  ])('rejects %s', (_name, change, path) => {
    expect(issuePaths(updateTaskInput, { id: id(), version: 1, ...change })).toContainEqual(path);
  });
});

describe('listTasksInput', () => {
  it('defaults the page size to 50 and takes 1..100', () => {
    expect(listTasksInput.parse({ projectId: '4f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a' }).limit).toBe(
      50,
    );
    expect(listTasksInput.parse({ projectId: id(), limit: 100, cursor: null }).limit).toBe(100);
    expect(issuePaths(listTasksInput, { projectId: id(), limit: 0 })).toContainEqual(['limit']);
    expect(issuePaths(listTasksInput, { projectId: id(), limit: 101 })).toContainEqual(['limit']);
    expect(issuePaths(listTasksInput, { projectId: id(), status: 'open' })).toContainEqual([
      'status',
    ]);
    expect(issuePaths(listTasksInput, { projectId: id(), search: '  ' })).toContainEqual([
      'search',
    ]);
    expect(issuePaths(listTasksInput, { projectId: id(), page: 2 })).toContainEqual([]);
  });
});

describe('small inputs', () => {
  it('getTask, deleteTask and addComment take only their fields', () => {
    expect(issuePaths(getTaskInput, { id: 'ENG-1' })).toContainEqual(['id']);
    expect(issuePaths(deleteTaskInput, { id: id(), force: true })).toContainEqual([]);
    expect(issuePaths(addCommentInput, { taskId: id(), body: '  ' })).toContainEqual(['body']);
    expect(issuePaths(addCommentInput, { taskId: id(), body: 'x'.repeat(10_001) })).toContainEqual([
      'body',
    ]);
    expect(issuePaths(addCommentInput, { taskId: id(), body: 5 })).toContainEqual(['body']);
    expect(
      addCommentInput.parse({ taskId: '4f0c4b8e-2d7c-4a3e-9a53-0e1b8c7d6f5a', body: ' hi ' }).body,
    ).toBe('hi');
  });
});

describe('TaskCursor', () => {
  it('round-trips a number as an opaque string', () => {
    const cursor = TaskCursor.encode(42);
    expect(cursor).not.toContain('42');
    expect(TaskCursor.decode(cursor)).toBe(42);
  });

  it.each(['', 'abc', '42', 'bjow', Buffer.from('n:-1').toString('base64url'), 'n:1', '%%%'])(
    'rejects the malformed cursor %j with InvalidInputError on ["cursor"]',
    (cursor) => {
      let caught: unknown;
      try {
        TaskCursor.decode(cursor);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidInputError);
      expect((caught as InvalidInputError).path).toEqual(['cursor']);
    },
  );
});

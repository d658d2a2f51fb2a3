import { countQueries } from '@trellis/db';
import { useTestDatabase } from '@trellis/db/testing';
import { ConflictError, ForbiddenError, NotFoundError } from '@trellis/kernel';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createLabel,
  createLabelInput,
  findLabelsInWorkspace,
  listLabels,
  listLabelsInput,
  type Label,
} from '../src';
import { registerUsers, workspaceWith, type Person } from '@trellis/workspaces/testing';

const test = useTestDatabase();

let owner: Person;
let member: Person;
let viewer: Person;
let outsider: Person;
let workspaceId: string;
let otherWorkspaceId: string;

beforeAll(async () => {
  [owner, member, viewer, outsider] = (await registerUsers(test.db, [
    'owner',
    'member',
    'viewer',
    'outsider',
  ])) as [Person, Person, Person, Person];
  workspaceId = await workspaceWith(test.db, owner, 'team', [
    [member, 'member'],
    [viewer, 'viewer'],
  ]);
  otherWorkspaceId = await workspaceWith(test.db, outsider, 'elsewhere', []);
});

const create = (actor: Person, name: string, color = '#1F883D', inWorkspace = workspaceId) =>
  test.db.transaction((session) =>
    createLabel(session, actor, { workspaceId: inWorkspace, name, color }),
  );

describe('createLabel', () => {
  it('lets members create labels, stores the colour lower-case and returns plain data', async () => {
    const label = await create(member, '  Bug  ');
    expect(label).toEqual({ id: expect.any(String), name: 'Bug', color: '#1f883d' });
    expect(Object.getPrototypeOf(label)).toBe(Object.prototype);
  });

  it('refuses viewers with ForbiddenError and hides the workspace from non-members', async () => {
    await expect(create(viewer, 'Viewer label')).rejects.toBeInstanceOf(ForbiddenError);
    await expect(create(outsider, 'Outsider label')).rejects.toThrow(
      new NotFoundError('Workspace'),
    );
    expect(
      await test.db.knex('labels').whereIn('name', ['Viewer label', 'Outsider label']),
    ).toEqual([]);
  });

  it('rejects a name already used in the workspace, whatever its case', async () => {
    await expect(create(owner, 'BUG')).rejects.toBeInstanceOf(ConflictError);
    await expect(create(owner, 'bug')).rejects.toBeInstanceOf(ConflictError);
    const elsewhere = await create(outsider, 'bug', '#000000', otherWorkspaceId);
    expect(elsewhere.name).toBe('bug');
  });

  it('validates the input strictly', () => {
    const valid = { workspaceId, name: 'x', color: '#abcdef' };
    expect(createLabelInput.safeParse(valid).success).toBe(true);
    for (const color of ['abcdef', '#abc', '#abcdeg', '#abcdef0', 'red']) {
      expect(createLabelInput.safeParse({ ...valid, color }).success).toBe(false);
    }
    expect(createLabelInput.safeParse({ ...valid, name: 'n'.repeat(51) }).success).toBe(false);
    expect(createLabelInput.safeParse({ ...valid, name: '  ' }).success).toBe(false);
    expect(createLabelInput.safeParse({ ...valid, id: workspaceId }).success).toBe(false);
    expect(listLabelsInput.safeParse({ workspaceId, extra: true }).success).toBe(false);
  });
});

describe('listLabels', () => {
  it('lists the workspace labels ordered by name for any member, viewers included', async () => {
    await create(owner, 'feature');
    await create(owner, 'Docs');
    await create(member, 'api');
    const labels = await test.db.read((session) => listLabels(session, viewer, { workspaceId }));
    expect(labels.map((label) => label.name)).toEqual(['api', 'Bug', 'Docs', 'feature']);
    expect(labels.every((label) => Object.getPrototypeOf(label) === Object.prototype)).toBe(true);
    expect(Object.keys(labels[0]!).sort()).toEqual(['color', 'id', 'name']);
  });

  it('gives a non-member NotFoundError', async () => {
    await expect(
      test.db.read((session) => listLabels(session, outsider, { workspaceId })),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('findLabelsInWorkspace', () => {
  let ours: Label[];
  let theirs: Label[];

  beforeAll(async () => {
    ours = await test.db.read((session) => listLabels(session, owner, { workspaceId }));
    theirs = await test.db.read((session) =>
      listLabels(session, outsider, { workspaceId: otherWorkspaceId }),
    );
  });

  it('returns only the requested labels of that workspace, once each, in one query', async () => {
    const bug = ours.find((label) => label.name === 'Bug');
    const docs = ours.find((label) => label.name === 'Docs');
    const { result, queries } = await countQueries(() =>
      test.db.read((session) =>
        findLabelsInWorkspace(session, workspaceId, [
          docs!.id,
          bug!.id,
          docs!.id,
          theirs[0]!.id,
          '00000000-0000-4000-8000-000000000000',
        ]),
      ),
    );
    expect(queries).toBe(1);
    expect(result).toEqual([bug, docs]);
    expect(Object.getPrototypeOf(result[0])).toBe(Object.prototype);
  });

  it('answers an empty or malformed list without a query', async () => {
    const { result, queries } = await countQueries(() =>
      test.db.read(async (session) => [
        ...(await findLabelsInWorkspace(session, workspaceId, [])),
        ...(await findLabelsInWorkspace(session, workspaceId, ['not-a-uuid'])),
      ]),
    );
    expect(result).toEqual([]);
    expect(queries).toBe(0);
  });
});

import { randomUUID } from 'node:crypto';
import type { Database } from '@trellis/db';
import { signUp, type User } from '@trellis/identity';
import type { Actor } from '@trellis/kernel';
import { createLabel, type Label } from '@trellis/labels';
import { createProject, type Project } from '@trellis/projects';
import { createWorkspace, type InvitableRole } from '@trellis/workspaces';
import { joinByInvitation } from '@trellis/workspaces/testing';
import { createTask, type Task } from '../src';

/** A signed-up user and the actor it acts as. */
export interface Person {
  user: User;
  actor: Actor;
}

let sequence = 0;
const unique = () => `${Date.now().toString(36)}${(sequence += 1)}${randomUUID().slice(0, 4)}`;

export async function signUpPerson(db: Database, name: string): Promise<Person> {
  const { user } = await db.transaction((session) =>
    signUp(session, {
      email: `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${unique()}@example.test`,
      password: 'correct horse battery staple',
      name,
    }),
  );
  return { user, actor: { userId: user.id } };
}

export interface Workspace {
  id: string;
  slug: string;
}

export async function createWorkspaceOf(db: Database, owner: Person): Promise<Workspace> {
  const workspace = await db.transaction((session) =>
    createWorkspace(session, owner.actor, { name: 'Workspace', slug: `ws-${unique()}` }),
  );
  return { id: workspace.id, slug: workspace.slug };
}

export async function addPerson(
  db: Database,
  admin: Person,
  workspace: Workspace,
  person: Person,
  role: InvitableRole,
): Promise<void> {
  const invitee = { ...person.user, userId: person.actor.userId };
  await joinByInvitation(db, admin.actor, workspace.id, invitee, role);
}

export async function createProjectIn(
  db: Database,
  admin: Person,
  workspace: Workspace,
  key: string,
  name = `Project ${key}`,
): Promise<Project> {
  return db.transaction((session) =>
    createProject(session, admin.actor, { workspaceId: workspace.id, key, name }),
  );
}

export async function createLabelIn(
  db: Database,
  person: Person,
  workspace: Workspace,
  name: string,
  color = '#336699',
): Promise<Label> {
  return db.transaction((session) =>
    createLabel(session, person.actor, { workspaceId: workspace.id, name, color }),
  );
}

/**
 * One workspace with an owner, a member, a viewer, a project ENG and two labels; plus an
 * outsider who owns another workspace with its own project OPS and label.
 */
export interface World {
  owner: Person;
  member: Person;
  viewer: Person;
  outsider: Person;
  workspace: Workspace;
  project: Project;
  bug: Label;
  feature: Label;
  otherWorkspace: Workspace;
  otherProject: Project;
  otherLabel: Label;
}

export async function buildWorld(db: Database): Promise<World> {
  const [owner, member, viewer, outsider] = await Promise.all([
    signUpPerson(db, 'Olive Owner'),
    signUpPerson(db, 'Max Member'),
    signUpPerson(db, 'Vic Viewer'),
    signUpPerson(db, 'Otto Outsider'),
  ]);
  const workspace = await createWorkspaceOf(db, owner);
  await addPerson(db, owner, workspace, member, 'member');
  await addPerson(db, owner, workspace, viewer, 'viewer');
  const project = await createProjectIn(db, owner, workspace, 'ENG', 'Engineering');
  const bug = await createLabelIn(db, owner, workspace, 'bug', '#ff0000');
  const feature = await createLabelIn(db, owner, workspace, 'feature', '#00ff00');
  const otherWorkspace = await createWorkspaceOf(db, outsider);
  const otherProject = await createProjectIn(db, outsider, otherWorkspace, 'OPS', 'Operations');
  const otherLabel = await createLabelIn(db, outsider, otherWorkspace, 'urgent', '#0000ff');
  return {
    owner,
    member,
    viewer,
    outsider,
    workspace,
    project,
    bug,
    feature,
    otherWorkspace,
    otherProject,
    otherLabel,
  };
}

/** Creates a task as `person` in its own transaction. */
export async function createTaskAs(
  db: Database,
  person: Person,
  input: Parameters<typeof createTask>[2],
): Promise<Task> {
  return db.transaction((session) => createTask(session, person.actor, input));
}

/**
 * Fails unless `value` is plain data all the way down: object literals, arrays, dates and
 * primitives; no Objection model (or any other class instance) may leave a service.
 */
export function assertPlain(value: unknown, path = 'value'): void {
  if (value === null || typeof value !== 'object') return;
  if (value instanceof Date) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertPlain(item, `${path}[${index}]`));
    return;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new Error(`${path} is not a plain object (${value.constructor.name})`);
  }
  for (const [key, item] of Object.entries(value)) assertPlain(item, `${path}.${key}`);
}

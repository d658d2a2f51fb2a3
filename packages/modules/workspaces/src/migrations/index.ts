import type { Migration } from '@trellis/db';
import { createInvitations } from './create-invitations';
import { createWorkspaces } from './create-workspaces';
import { requireOneOwner } from './require-one-owner';

export const workspacesMigrations: Migration[] = [
  createWorkspaces,
  createInvitations,
  requireOneOwner,
];

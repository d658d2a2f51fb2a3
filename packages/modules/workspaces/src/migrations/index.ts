import type { Migration } from '@trellis/db';
import { createWorkspaces } from './create-workspaces';

export const workspacesMigrations: Migration[] = [createWorkspaces];

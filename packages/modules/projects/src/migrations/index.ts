import type { Migration } from '@trellis/db';
import { createProjects } from './create-projects';

export const projectsMigrations: Migration[] = [createProjects];

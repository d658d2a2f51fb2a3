import type { Migration } from '@trellis/db';
import { createLabels } from './create-labels';

export const labelsMigrations: Migration[] = [createLabels];

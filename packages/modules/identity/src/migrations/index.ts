import type { Migration } from '@trellis/db';
import { createAuthTokens } from './create-auth-tokens';
import { createUsers } from './create-users';

export const identityMigrations: Migration[] = [createUsers, createAuthTokens];

import type { Migration } from '@trellis/db';
import { createAuthTokens } from './create-auth-tokens';
import { createSignInFailures } from './create-sign-in-failures';
import { createUsers } from './create-users';

export const identityMigrations: Migration[] = [
  createUsers,
  createAuthTokens,
  createSignInFailures,
];

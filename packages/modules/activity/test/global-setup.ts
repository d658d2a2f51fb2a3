import { migratedTestServer } from '@trellis/db/testing';
import { identityMigrations } from '@trellis/identity';
import { activityMigrations } from '../src/migrations';

export default migratedTestServer(identityMigrations, activityMigrations);

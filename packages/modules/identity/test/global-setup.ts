import { migratedTestServer } from '@trellis/db/testing';
import { identityMigrations } from '../src/migrations';

export default migratedTestServer(identityMigrations);

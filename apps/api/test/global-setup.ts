import { migratedTestServer } from '@trellis/db/testing';
import { allMigrations } from '../src/migrations';

export default migratedTestServer(allMigrations);

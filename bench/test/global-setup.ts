import { migratedTestServer } from '@trellis/db/testing';
import { allMigrations } from '@trellis/api';

export default migratedTestServer(allMigrations);

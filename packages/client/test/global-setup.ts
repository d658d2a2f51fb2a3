import { allMigrations } from '@trellis/api';
import { migratedTestServer } from '@trellis/db/testing';

export default migratedTestServer(allMigrations);

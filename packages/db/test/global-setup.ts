import { migratedTestServer } from '../src/testing';
import { libraryMigrations } from './fixtures/library';

export default migratedTestServer(libraryMigrations);

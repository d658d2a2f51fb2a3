/**
 * Tables of this module that the API's runtime database role may read and append to but never
 * rewrite: no UPDATE, DELETE or TRUNCATE at runtime, so a request (or an attacker holding the
 * runtime credentials) cannot edit or erase the feed. The grants step after migrating applies it.
 */
export const APPEND_ONLY_TABLES: readonly string[] = ['activity', 'activity_feed'];

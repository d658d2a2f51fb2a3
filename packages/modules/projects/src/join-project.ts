import type { AnyQueryBuilder } from 'objection';

/** Alias of the joined project, unlikely to clash with the caller's own tables. */
const PROJECT = 'joined_project';

/** The joined project's workspace column, for joinActorRole and the like. */
export const JOINED_PROJECT_WORKSPACE_ID = `${PROJECT}.workspace_id`;

/**
 * Inner-joins the project in `projectIdColumn` (a qualified column such as `'tasks.project_id'`)
 * and selects its `key`, `name` and `workspace_id` as `projectKey`, `projectName` and
 * `workspaceId`; with `where`, keeps only the project with that key in that workspace. Another
 * module reads a row together with its project in the same query, and the projects table is
 * still read only through this module.
 */
export function joinProject<QB extends AnyQueryBuilder>(
  query: QB,
  projectIdColumn: string,
  where?: { workspaceId: string; key: string },
): QB {
  // `??` binds an identifier: nothing is interpolated.
  query.joinRaw(`inner join projects as ${PROJECT} on ${PROJECT}.id = ??`, [projectIdColumn]);
  query.select(
    `${PROJECT}.key as project_key`,
    `${PROJECT}.name as project_name`,
    `${PROJECT}.workspace_id as workspace_id`,
  );
  if (where) {
    query.where(`${PROJECT}.workspace_id`, where.workspaceId).where(`${PROJECT}.key`, where.key);
  }
  return query;
}

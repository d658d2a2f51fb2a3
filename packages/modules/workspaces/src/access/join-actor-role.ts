import type { Actor } from '@trellis/kernel';
import type { AnyQueryBuilder } from 'objection';

/** Alias of the joined membership, unlikely to clash with the caller's own tables. */
const MEMBERSHIP = 'actor_membership';

/**
 * Inner-joins the actor's membership of the workspace in `workspaceIdColumn` (a qualified
 * column such as `'projects.workspace_id'`) and selects its role as `actorRole`. Rows of
 * workspaces the actor is not in drop out, so one query both fetches a row and checks the
 * tenant wall. The caller's own selects are kept; without any, the model's table is selected.
 */
export function joinActorRole<QB extends AnyQueryBuilder>(
  query: QB,
  actor: { userId: Actor['userId'] },
  workspaceIdColumn: string,
): QB {
  // joinRaw rather than a join callback: Objection builds join callbacks without the query's
  // session. `??` binds an identifier, `?` a value: nothing is interpolated.
  query.joinRaw(
    `inner join memberships as ${MEMBERSHIP} on ${MEMBERSHIP}.workspace_id = ?? and ${MEMBERSHIP}.user_id = ?`,
    [workspaceIdColumn, actor.userId],
  );
  query.onBuild((builder) => {
    if (!builder.hasSelects()) builder.select(`${builder.tableRefFor(builder.modelClass())}.*`);
    builder.select(`${MEMBERSHIP}.role as actorRole`);
  });
  return query;
}

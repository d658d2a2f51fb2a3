import type { QueryBuilder } from 'objection';
import type { LabelModel } from './models/label-model';

/** A label as the other modules and the API see it. */
export interface Label {
  id: string;
  name: string;
  color: string;
}

/** The one order of labels everywhere: by name regardless of case (as the unique index). */
const LABEL_ORDER = 'lower(labels.name), labels.name, labels.id';

/** Selects a `Label`'s columns, ordered by name regardless of case (as the unique index). */
export function selectLabels<QB extends QueryBuilder<LabelModel, LabelModel[]>>(query: QB): QB {
  return query.select('labels.id', 'labels.name', 'labels.color').orderByRaw(LABEL_ORDER);
}

/**
 * SQL for a scalar subquery: the labels whose ids `labelIdsSql` selects, as one JSON array of
 * `Label`s in the order of selectLabels (`[]` for none). For reads that load labels inside
 * their own statement, one round trip instead of one per relation. `labelIdsSql` is SQL the
 * caller writes (a correlated `select label_id from …`), never a value: values go in bindings.
 */
export function labelsJsonSql(labelIdsSql: string): string {
  return (
    `(select coalesce(json_agg(json_build_object('id', labels.id, 'name', labels.name, ` +
    `'color', labels.color) order by ${LABEL_ORDER}), '[]'::json) ` +
    `from labels where labels.id in (${labelIdsSql}))`
  );
}

/** Copies the public fields into a plain object. */
export function toLabel(row: Label): Label {
  return { id: row.id, name: row.name, color: row.color };
}

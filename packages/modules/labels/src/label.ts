import type { QueryBuilder } from 'objection';
import type { LabelModel } from './models/label-model';

/** A label as the other modules and the API see it. */
export interface Label {
  id: string;
  name: string;
  color: string;
}

/** Selects a `Label`'s columns, ordered by name regardless of case (as the unique index). */
export function selectLabels<QB extends QueryBuilder<LabelModel, LabelModel[]>>(query: QB): QB {
  return query
    .select('labels.id', 'labels.name', 'labels.color')
    .orderByRaw('lower(labels.name), labels.name, labels.id');
}

/** Copies the public fields into a plain object. */
export function toLabel(row: Label): Label {
  return { id: row.id, name: row.name, color: row.color };
}

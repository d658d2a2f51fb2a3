export { labelsMigrations } from './migrations';
export type { Label } from './label';
export { labelsJsonSql, selectLabels, toLabel } from './label';
export {
  createLabelInput,
  labelSchema,
  listLabelsInput,
  MAX_LABELS_PER_WORKSPACE,
} from './schemas';
export { createLabel } from './services/create-label';
export { listLabels } from './services/list-labels';
export { findLabelsInWorkspace } from './services/find-labels-in-workspace';
export { LabelModel } from './models/label-model';

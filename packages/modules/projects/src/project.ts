/** A project as the other modules and the API see it. */
export interface Project {
  id: string;
  workspaceId: string;
  key: string;
  name: string;
}

/** The columns to select for a `Project`. */
export const PROJECT_COLUMNS = [
  'projects.id',
  // Under the model's own name, so a row has Project's shape with or without Objection's mapping.
  'projects.workspace_id as workspaceId',
  'projects.key',
  'projects.name',
] as const;

/** Copies the public fields into a plain object. */
export function toProject(row: Project): Project {
  return { id: row.id, workspaceId: row.workspaceId, key: row.key, name: row.name };
}

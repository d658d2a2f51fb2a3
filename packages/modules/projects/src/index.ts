export { projectsMigrations } from './migrations';
export type { Project } from './project';
export {
  createProjectInput,
  getProjectByKeyInput,
  listProjectsInput,
  MAX_PROJECTS_PER_WORKSPACE,
  projectSchema,
} from './schemas';
export { createProject } from './services/create-project';
export { listProjects } from './services/list-projects';
export { getProjectByKey } from './services/get-project-by-key';
export { getProjectForActor } from './services/get-project-for-actor';
export { reserveTaskNumbers } from './services/reserve-task-numbers';
export { joinProject, JOINED_PROJECT_WORKSPACE_ID } from './join-project';
export { ProjectModel } from './models/project-model';

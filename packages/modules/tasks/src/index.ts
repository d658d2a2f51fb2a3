export { tasksMigrations } from './migrations';
export type { Comment, CommentPage, Task, TaskDetail, TaskPriority, TaskStatus } from './types';
export {
  addCommentInput,
  COMMENTS_FIRST_PAGE,
  commentPageSchema,
  commentSchema,
  createTaskInput,
  deleteTaskInput,
  getTaskByKeyInput,
  getTaskInput,
  importTasksInput,
  listCommentsInput,
  listTasksInput,
  taskDetailSchema,
  taskPageSchema,
  taskSchema,
  updateTaskInput,
} from './schemas';
export { createTask } from './services/create-task';
export { getTask } from './services/get-task';
export { getTaskByKey } from './services/get-task-by-key';
export { listTasks } from './services/list-tasks';
export { updateTask } from './services/update-task';
export { deleteTask } from './services/delete-task';
export { addComment } from './services/add-comment';
export { listComments } from './services/list-comments';
export { MAX_PAGE_TEXT } from './page-text-budget';
export { countOpenTasks } from './services/count-open-tasks';
export {
  listProjectsWithOpenTaskCounts,
  projectWithOpenTaskCountSchema,
} from './services/list-projects-with-open-task-counts';
export type { ProjectWithOpenTaskCount } from './services/list-projects-with-open-task-counts';
export { importTasks } from './services/import-tasks';
export type { ImportResult } from './services/import-tasks';

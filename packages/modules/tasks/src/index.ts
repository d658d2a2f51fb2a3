export { tasksMigrations } from './migrations';
export type { Comment, Task, TaskDetail, TaskPriority, TaskStatus } from './types';
export {
  addCommentInput,
  commentSchema,
  createTaskInput,
  deleteTaskInput,
  getTaskByKeyInput,
  getTaskInput,
  importTasksInput,
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
export { countOpenTasks } from './services/count-open-tasks';
export { importTasks } from './services/import-tasks';
export type { ImportResult } from './services/import-tasks';

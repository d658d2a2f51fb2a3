export { workspacesMigrations } from './migrations';
export type { Role } from './role';
export { roleAtLeast, roleSchema } from './role';
export type { Member, WorkspaceDetail, WorkspaceSummary } from './schemas';
export {
  addMemberInput,
  createWorkspaceInput,
  getWorkspaceInput,
  memberSchema,
  removeMemberInput,
  workspaceDetailSchema,
  workspaceSummarySchema,
} from './schemas';
export { createWorkspace } from './services/create-workspace';
export { listWorkspaces } from './services/list-workspaces';
export { getWorkspace } from './services/get-workspace';
export { addMember } from './services/add-member';
export { removeMember } from './services/remove-member';
export { requireRole } from './access/require-role';
export { assertRole } from './access/assert-role';
export { joinActorRole } from './access/join-actor-role';
export { WorkspaceModel } from './models/workspace-model';
export { MembershipModel } from './models/membership-model';

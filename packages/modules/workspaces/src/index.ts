export { workspacesMigrations } from './migrations';
export type { InvitableRole, Role } from './role';
export { invitableRoleSchema, roleAtLeast, roleSchema } from './role';
export type { Member, WorkspaceDetail, WorkspaceSummary } from './schemas';
export {
  createWorkspaceInput,
  getWorkspaceInput,
  leaveWorkspaceInput,
  MAX_MEMBERS_PER_WORKSPACE,
  MAX_WORKSPACES_PER_USER,
  memberRoleSchema,
  memberSchema,
  removeMemberInput,
  setRoleInput,
  transferOwnershipInput,
  workspaceDetailSchema,
  workspaceSummarySchema,
} from './schemas';
export type {
  AcceptedInvitation,
  Invitation,
  ReceivedInvitation,
  WorkspaceInvitation,
} from './invitation-schemas';
export {
  INVITATION_LIFETIME_DAYS,
  acceptedInvitationSchema,
  invitationIdInput,
  invitationSchema,
  inviteInput,
  receivedInvitationSchema,
  workspaceInvitationSchema,
  workspaceInvitationsInput,
} from './invitation-schemas';
export { DEFAULT_INVITATION_THROTTLE } from './invitation-throttle-policy';
export type { InvitationThrottlePolicy } from './invitation-throttle-policy';
export { createWorkspace } from './services/create-workspace';
export { listWorkspaces } from './services/list-workspaces';
export { getWorkspace } from './services/get-workspace';
export { inviteToWorkspace } from './services/invite-to-workspace';
export { listWorkspaceInvitations } from './services/list-workspace-invitations';
export { revokeInvitation } from './services/revoke-invitation';
export { listReceivedInvitations } from './services/list-received-invitations';
export { acceptInvitation } from './services/accept-invitation';
export { declineInvitation } from './services/decline-invitation';
export { removeMember } from './services/remove-member';
export { leaveWorkspace } from './services/leave-workspace';
export { setMemberRole } from './services/set-member-role';
export { transferOwnership } from './services/transfer-ownership';
export { purgeStaleInvitations } from './services/purge-stale-invitations';
export type { InvitationPurgeOptions } from './services/purge-stale-invitations';
export { findWorkspaceUsers } from './services/find-workspace-users';
export { listWorkspaceActivity } from './services/list-workspace-activity';
export type { WorkspaceUser } from './services/find-workspace-users';
export { requireRole } from './access/require-role';
export { assertRole } from './access/assert-role';
export { joinActorRole } from './access/join-actor-role';
export { WorkspaceModel } from './models/workspace-model';
export { MembershipModel } from './models/membership-model';
export { watchWorkspaceActivity } from './services/watch-workspace-activity';
export type { WatchWorkspaceActivityInput } from './services/watch-workspace-activity';

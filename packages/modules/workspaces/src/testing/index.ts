/** Test fixtures for the modules above workspaces: people and workspaces made through the real services. */
export { joinByInvitation, registerUsers, workspaceWith } from './tenants';
export type { Person } from './tenants';

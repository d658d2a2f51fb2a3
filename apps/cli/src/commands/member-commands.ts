import type { Command } from 'commander';

/**
 * Membership commands follow the API as it stands (issue 7 replaces workspaces.addMember with
 * invitations); registered under `trellis workspaces`.
 */
export function registerMemberCommands(_workspaces: Command): void {}

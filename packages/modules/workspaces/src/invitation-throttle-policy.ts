/** How many invitations one person may send in a window, across all their workspaces. */
export interface InvitationThrottlePolicy {
  maxPerWindow: number;
  windowSeconds: number;
}

/** Enough to bring a whole team in at once; far too few to spray invitations at strangers. */
export const DEFAULT_INVITATION_THROTTLE: InvitationThrottlePolicy = {
  maxPerWindow: 50,
  windowSeconds: 3600,
};

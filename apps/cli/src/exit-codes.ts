/**
 * What `trellis` exits with, so scripts can tell failures apart (documented in --help).
 */
export const EXIT = {
  ok: 0,
  /** Anything unexpected (a bug): the message says so. */
  failure: 1,
  /** Wrong command line or input the API rejected (bad status, missing argument, bad field). */
  usage: 2,
  /** Not signed in, token expired or revoked, or not allowed (role too low). */
  auth: 3,
  /** No such workspace, project, task or label (or not one you can see). */
  notFound: 4,
  /** Changed by someone else meanwhile (stale version), or a name/key already taken. */
  conflict: 5,
  /** The server could not be reached, failed, or is overloaded: try again later. */
  unavailable: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0 success   2 usage or invalid input   3 not signed in / not allowed
  4 not found   5 conflict (changed meanwhile, already taken)   6 server unreachable or failing`;

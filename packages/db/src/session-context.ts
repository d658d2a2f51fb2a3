import { AsyncLocalStorage } from 'node:async_hooks';
import type { Session } from './session';

/** The session whose transaction the current async call chain runs inside, if any. */
export const sessionStorage = new AsyncLocalStorage<Session>();

export function currentSession(): Session | undefined {
  const session = sessionStorage.getStore();
  return session?.isActive ? session : undefined;
}

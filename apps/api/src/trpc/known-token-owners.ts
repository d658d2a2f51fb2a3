import { hash } from 'node:crypto';
import type { User } from '@trellis/identity';

/** Tokens are kept as their SHA-256 (as the database keeps them), never as themselves. */
const keyOf = (token: string) => hash('sha256', token, 'base64');

/**
 * The user each recently accepted bearer token belonged to, as of its last check, so that a
 * query can be sent right behind the token check instead of after its answer (see
 * `authedProcedure`). Never trusted on its own: every request's token is still checked in its
 * own transaction, and nothing the query read is answered before that check passed.
 *
 * Only tokens the database accepted get in, so a hostile client cannot grow it; it holds at most
 * `capacity` tokens and forgets the oldest first.
 */
export class KnownTokenOwners {
  readonly #owners = new Map<string, User>();

  constructor(readonly capacity = 10_000) {}

  ownerOf(token: string): User | undefined {
    return this.#owners.get(keyOf(token));
  }

  remember(token: string, owner: User): void {
    const key = keyOf(token);
    this.#owners.delete(key);
    if (this.#owners.size >= this.capacity) {
      const oldest = this.#owners.keys().next();
      if (!oldest.done) this.#owners.delete(oldest.value);
    }
    this.#owners.set(key, owner);
  }

  forget(token: string): void {
    this.#owners.delete(keyOf(token));
  }

  get size(): number {
    return this.#owners.size;
  }
}

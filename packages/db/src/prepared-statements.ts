import { createHash } from 'node:crypto';

/**
 * Names for the statements sessions run as named prepared statements: PostgreSQL parses and
 * plans such a statement once per connection (its plan is cached, a generic one once that is
 * no worse than the custom ones), where an unnamed statement is parsed and planned at every
 * execution. For a lookup that joins five tables, planning was 0.4–0.7 ms of the server's CPU
 * per request, several times its execution (issue 10's profiles).
 *
 * A name is a digest of the text, so one name means one text in every process and every
 * version of the API: behind a pooler that hands server connections from one client to
 * another, a name can never run another statement than the one it was parsed from. `pg`
 * remembers which names each connection parsed and sends Parse only the first time.
 *
 * Bounded: past MAX_NAMED_STATEMENTS distinct texts, statements run unnamed, so a caller that
 * builds texts from data cannot grow every connection's memory.
 */
const MAX_NAMED_STATEMENTS = 256;

export class PreparedStatementNames {
  readonly #names = new Map<string, string>();
  /** Texts whose cached plan PostgreSQL refused, with how many times: part of the next name. */
  readonly #generations = new Map<string, number>();
  #enabled = true;

  /** The name for `text`, or undefined when names are off or the registry is full. */
  nameFor(text: string): string | undefined {
    if (!this.#enabled) return undefined;
    let name = this.#names.get(text);
    if (name === undefined && this.#names.size < MAX_NAMED_STATEMENTS) {
      const digest = createHash('sha256').update(text).digest('hex').slice(0, 32);
      const generation = this.#generations.get(text) ?? 0;
      name = `trellis_${digest}${generation ? `_${generation}` : ''}`;
      this.#names.set(text, name);
    }
    return name;
  }

  /**
   * Forgets `text`'s name after PostgreSQL refused its cached plan (a migration changed a table
   * it reads): the next use prepares it afresh under another name, on every connection.
   */
  forget(text: string): void {
    if (!this.#names.delete(text)) return;
    this.#generations.set(text, (this.#generations.get(text) ?? 0) + 1);
  }

  /** Every statement runs unnamed from now on (the server connection does not keep them). */
  disable(): void {
    this.#enabled = false;
    this.#names.clear();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  get size(): number {
    return this.#names.size;
  }
}

import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Session } from './session';

/** What a statement is built from: a knex builder or raw, or an Objection query builder. */
export type StatementBuilder = Knex.QueryBuilder | Knex.Raw | { toKnexQuery(): Knex.QueryBuilder };

type BindingSlot<Param extends string> = { param: Param } | { constant: unknown };

/**
 * Builds the statement. `param(name)` stands for a value; `numberParam(name)` for a value where
 * the builder insists on a number (knex's `limit()`): an integer no real limit reaches.
 */
export type StatementBuild<Param extends string> = (
  session: Session,
  param: (name: Param) => string,
  numberParam: (name: Param) => number,
) => StatementBuilder;

/** Above any page size or count a statement of ours binds, and exact as a double. */
const NUMBER_MARKER_BASE = 2 ** 40;

interface Compiled<Param extends string> {
  sql: string;
  slots: BindingSlot<Param>[];
}

export interface CompiledStatementOptions {
  /** Run as a named prepared statement (see Session#query): for lookups by key. */
  prepare?: boolean;
}

/**
 * A statement built with a query builder ONCE and then run as plain SQL with fresh values.
 *
 * Building and compiling an Objection/knex query costs more CPU than the round trip it makes
 * (about 0.3 ms for tasks.get's five-table read on our machines): on the hot reads, the query is
 * written with the same builders and helpers as everywhere else (joinProject, joinActorRole…),
 * so the modules' boundaries hold, but compiled at first use. `build` receives a placeholder
 * for each named parameter and must bind it as a value (`where(column, param('id'))`,
 * `whereRaw('… = ?', [param('id')])`); compiling checks that each parameter is bound and none
 * was written into the SQL text. Rows come back as PostgreSQL names their columns (no model
 * mapping): the caller maps them to plain data.
 */
export class CompiledStatement<Param extends string> {
  readonly #params: readonly Param[];
  readonly #build: StatementBuild<Param>;
  readonly #options: CompiledStatementOptions;
  #compiled: Compiled<Param> | undefined;

  constructor(
    params: readonly Param[],
    build: StatementBuild<Param>,
    options: CompiledStatementOptions = {},
  ) {
    this.#params = params;
    this.#build = build;
    this.#options = options;
  }

  async run<Row>(session: Session, values: Readonly<Record<Param, unknown>>): Promise<Row[]> {
    const { sql, slots } = this.#compile(session);
    const bindings = slots.map((slot) => ('param' in slot ? values[slot.param] : slot.constant));
    return session.query<Row>(sql, bindings, this.#options);
  }

  #compile(session: Session): Compiled<Param> {
    if (this.#compiled) return this.#compiled;
    const marker = `trellis-parameter-${randomUUID()}:`;
    const numbered: Param[] = [];
    const built = this.#build(
      session,
      (name) => `${marker}${name}`,
      (name) => NUMBER_MARKER_BASE + numbered.push(name) - 1,
    );
    const knexQuery = 'toKnexQuery' in built ? built.toKnexQuery() : built;
    const { sql, bindings } = knexQuery.toSQL().toNative();
    if (
      sql.includes(marker) ||
      numbered.some((_, index) => sql.includes(String(NUMBER_MARKER_BASE + index)))
    ) {
      throw new Error('CompiledStatement: a parameter was written into the SQL text, not bound');
    }
    const slots = bindings.map((value): BindingSlot<Param> => {
      if (typeof value === 'string' && value.startsWith(marker)) {
        const name = value.slice(marker.length) as Param;
        if (!this.#params.includes(name)) {
          throw new Error(`CompiledStatement: unknown parameter ${name}`);
        }
        return { param: name };
      }
      if (typeof value === 'number' && value >= NUMBER_MARKER_BASE) {
        const name = numbered[value - NUMBER_MARKER_BASE];
        if (name !== undefined) return { param: name };
      }
      return { constant: value };
    });
    const unbound = this.#params.filter(
      (name) => !slots.some((slot) => 'param' in slot && slot.param === name),
    );
    if (unbound.length > 0) {
      throw new Error(`CompiledStatement: parameter(s) never bound: ${unbound.join(', ')}`);
    }
    this.#compiled = { sql, slots };
    return this.#compiled;
  }
}

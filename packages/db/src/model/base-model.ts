import {
  Model,
  snakeCaseMappers,
  type ColumnNameMappers,
  type Pojo,
  type QueryBuilderType,
  type TransactionOrKnex,
} from 'objection';
import { MissingSessionError } from '../errors';
import { Session } from '../session';
import { currentSession } from '../session-context';
import { FROM_DATABASE, installStrictRelations } from './strict-relations';

const SNAKE_CASE = snakeCaseMappers();

/**
 * The base of every Objection model in Trellis.
 * - snake_case columns, camelCase properties;
 * - `createdAt` / `updatedAt` kept by the database default and by $beforeUpdate;
 * - `hiddenFields` never leave through toJSON;
 * - never bound to a global knex: a query runs in the session it is given, or in the
 *   transaction the call chain is inside, or fails at once with MissingSessionError;
 * - strict relations: reading a relation that was not eager-loaded throws RelationNotLoadedError.
 */
export class BaseModel extends Model {
  declare createdAt: Date;
  declare updatedAt: Date;

  /** Properties that must never reach JSON output (hashes, internal flags). */
  static hiddenFields: readonly string[] = [];

  /** False for append-only tables without an updated_at column. */
  static hasUpdatedAt = true;

  static override get columnNameMappers(): ColumnNameMappers {
    return SNAKE_CASE;
  }

  static override get modelPaths(): string[] {
    return [];
  }

  static override query<M extends Model>(
    this: { new (): M } & typeof Model,
    session?: Session | TransactionOrKnex,
  ) {
    const knex = session instanceof Session ? session.knex : session;
    return (
      Model.query as (this: typeof Model, trx?: TransactionOrKnex) => ReturnType<typeof Model.query>
    ).call(this, knex) as unknown as QueryBuilderType<M>;
  }

  /** Objection asks for the model's knex when a query was given none: join the current session or fail. */
  static override knex(...args: unknown[]): never {
    if (args.length > 0) {
      throw new Error(
        'Trellis models are never bound to a global knex; pass a session to each query.',
      );
    }
    const session = currentSession();
    if (!session) throw new MissingSessionError(this.name);
    return session.knex as never;
  }

  constructor() {
    super();
    installStrictRelations(this.constructor as typeof BaseModel);
  }

  override $setDatabaseJson(json: Pojo): this {
    (this as unknown as Record<symbol, boolean>)[FROM_DATABASE] = true;
    return super.$setDatabaseJson(json);
  }

  override $beforeUpdate(): void {
    if ((this.constructor as typeof BaseModel).hasUpdatedAt) this.updatedAt = new Date();
  }

  override $formatJson(json: Pojo): Pojo {
    const formatted = super.$formatJson(json);
    for (const field of (this.constructor as typeof BaseModel).hiddenFields)
      delete formatted[field];
    return formatted;
  }
}

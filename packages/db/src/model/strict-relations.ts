import type { DatabaseLogger } from '../logger';
import { RelationNotLoadedError } from './relation-not-loaded-error';

export type StrictRelationsMode = 'throw' | 'warn';

// Until a Database is created (createDatabase sets the configured mode, DATABASE_STRICT_RELATIONS).
let mode: StrictRelationsMode = 'throw';
let logger: DatabaseLogger | undefined;

/** Production may log instead of throwing; development and tests throw. */
export function configureStrictRelations(options: {
  mode: StrictRelationsMode;
  logger?: DatabaseLogger;
}): void {
  mode = options.mode;
  logger = options.logger;
}

/** Marks model instances that were read from the database; only those are strict. */
export const FROM_DATABASE = Symbol('trellis.fromDatabase');

interface StrictModelClass {
  name: string;
  prototype: object;
  getRelations(): Record<string, unknown>;
}

const installed = new WeakSet<object>();

/**
 * Puts an accessor on the model's prototype for each relation. Objection assigns a loaded
 * relation (setter), which stores it as an own enumerable property that shadows the accessor,
 * so loaded relations behave and serialise as plain properties. Reading one that was never
 * assigned reaches the getter, which throws on database-loaded instances.
 */
export function installStrictRelations(modelClass: StrictModelClass): void {
  const prototype = modelClass.prototype;
  if (installed.has(prototype)) return;
  installed.add(prototype);
  for (const relationName of Object.keys(modelClass.getRelations())) {
    if (Object.prototype.hasOwnProperty.call(prototype, relationName)) continue;
    Object.defineProperty(prototype, relationName, {
      configurable: true,
      enumerable: false,
      get(this: Record<symbol, unknown>) {
        if (!this[FROM_DATABASE]) return undefined;
        const error = new RelationNotLoadedError(modelClass.name, relationName);
        if (mode === 'throw') throw error;
        logger?.warn({ model: modelClass.name, relation: relationName }, error.message);
        return undefined;
      },
      set(this: object, value: unknown) {
        Object.defineProperty(this, relationName, {
          configurable: true,
          enumerable: true,
          writable: true,
          value,
        });
      },
    });
  }
}

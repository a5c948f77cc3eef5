import type { EntityManager, EntityTarget, ObjectLiteral, QueryDeepPartialEntity } from 'typeorm';

import { isDuplicateKeyError } from './is-duplicate-key-error';

/** The outcome of {@link insertOrDuplicate}: the row is new, or its key was already taken. */
export type InsertOutcome =
  | { readonly inserted: true; readonly duplicate: false }
  | { readonly inserted: false; readonly duplicate: true };

/**
 * Inserts one row and reports a primary/unique key conflict as `{ duplicate: true }`
 * instead of an error — the dedupe step of the EventProcess table. Any other error is
 * thrown. Inside a transaction the conflict rolls back only this statement (MySQL and
 * MariaDB), so the transaction may go on.
 *
 * @example
 * ```ts
 * const outcome = await insertOrDuplicate(manager, EventProcessEntity, { consumer, messageId });
 * if (outcome.duplicate) return; // already received: drop it
 * ```
 */
export async function insertOrDuplicate<Entity extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<Entity>,
  values: QueryDeepPartialEntity<Entity>,
): Promise<InsertOutcome> {
  try {
    await manager.insert(target, values);
    return { inserted: true, duplicate: false };
  } catch (error) {
    if (isDuplicateKeyError(error)) return { inserted: false, duplicate: true };
    throw error;
  }
}

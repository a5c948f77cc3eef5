import { randomUUID } from 'node:crypto';

import { type IdGenerator } from '@sagaflow/core';

/**
 * New saga ids as random (version 4) UUIDs: unique across orchestrator instances without
 * coordination, and made of `[0-9a-f-]` only, as ids must be.
 *
 * @example
 * ```ts
 * uuidIdGenerator.newId(); // '3b241101-e2bb-4255-8caf-4136c566a962'
 * ```
 */
export const uuidIdGenerator: IdGenerator = { newId: () => randomUUID() };

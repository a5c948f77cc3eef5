import { NAME_PATTERN } from '@sagaflow/core';
import { z } from 'zod';

/** A saga id: what ids generators and the `saga_instance` key accept. */
export const sagaIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1 to 64 characters of [A-Za-z0-9._-]');

/** A saga type, step or group name: lower-case kebab-case. */
export const nameSchema = z
  .string()
  .regex(NAME_PATTERN, `must match ${String(NAME_PATTERN)} (lower-case kebab-case)`);

/** A business key: unique per saga type, as long as the `saga_instance` column allows. */
export const businessKeySchema = z.string().min(1).max(191);

/**
 * `actor` in a body is refused (400) rather than ignored: who performs an action is the
 * name of the API token that sent it, and a client that still names someone else should
 * learn that it is not what gets recorded.
 */
export const noActorSchema = z
  .never({
    error: 'not accepted: the actor recorded is the name of the API token that sent the request',
  })
  .optional();

/**
 * Why an operator acts (an action on a saga, a dead-letter replay, an EventProcess retry):
 * required, 1–2000 characters once trimmed; recorded with the actor.
 */
export const reasonSchema = z.string().trim().min(1).max(2000);

/** A listing's page size: 1–500, 50 when absent. */
export const limitSchema = z.coerce.number().int().min(1).max(500).default(50);

/** An opaque pagination token. */
export const tokenSchema = z.string().min(1).max(512);

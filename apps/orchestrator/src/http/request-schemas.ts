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

/** Who performs an admin action, recorded with it. */
export const actorSchema = z.string().trim().min(1).max(128);

/** A listing's page size: 1–500, 50 when absent. */
export const limitSchema = z.coerce.number().int().min(1).max(500).default(50);

/** An opaque pagination token. */
export const tokenSchema = z.string().min(1).max(512);

import type { Logger } from '@sagaflow/core';

/** The ids that tie a log line to a saga and the message being handled. */
export interface CorrelationIds {
  readonly sagaId?: string | undefined;
  readonly sagaType?: string | undefined;
  readonly messageId?: string | undefined;
  readonly step?: string | undefined;
  readonly attempt?: number | undefined;
}

/**
 * The fields of `ids` that are set, for a log line or an error's context.
 *
 * @example
 * ```ts
 * correlationFields({ sagaId: 's-1', step: undefined }); // { sagaId: 's-1' }
 * ```
 */
export function correlationFields(ids: CorrelationIds): Record<string, string | number> {
  const fields: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(ids) as [string, string | number | undefined][]) {
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

/**
 * A child logger whose lines carry the saga and message ids; unset ids are left out.
 *
 * @example
 * ```ts
 * const log = withCorrelation(logger, { sagaId: envelope.sagaId, messageId: envelope.id, step });
 * log.info('reply applied');
 * ```
 */
export function withCorrelation<L extends Logger>(
  logger: L,
  ids: CorrelationIds,
): ReturnType<L['child']> {
  return logger.child(correlationFields(ids)) as ReturnType<L['child']>;
}

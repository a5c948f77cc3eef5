import { type JsonObject } from '@sagaflow/core';

/**
 * What `step_result.reply` holds for a step (or compensation) that succeeded: the reply's
 * payload, and whether the handler ran (`false` for a compensation with nothing to undo).
 * Only successes are stored: a refused command changed nothing, and a later attempt may
 * legitimately succeed.
 */
export interface StoredReply extends JsonObject {
  readonly outcome: 'success';
  readonly payload: JsonObject;
  readonly applied: boolean;
}

/** The payload a stored result answers with; `{}` for a row without a readable reply. */
export function storedPayload(reply: JsonObject | null): JsonObject {
  const payload = reply?.payload;
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? (payload as JsonObject)
    : {};
}

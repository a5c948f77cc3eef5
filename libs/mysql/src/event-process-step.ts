import { type Direction, type EventProcessMessage } from '@sagaflow/core';

/** The step a consumed message belongs to, and which way it goes (commands only). */
export interface EventProcessStep {
  readonly step: string | null;
  /** `forward` or `compensation` for a command; null for a reply or when unknown. */
  readonly direction: Direction | null;
}

const UNKNOWN: EventProcessStep = { step: null, direction: null };

/**
 * Reads `step` and `kind` from a message's payload when it is a Sagaflow envelope
 * (`kind` `command` → `forward`, `compensation` → `compensation`); anything else gives
 * nulls. The default `stepOf` of `MySqlEventProcessStore`.
 */
export function stepFromEnvelope(message: EventProcessMessage): EventProcessStep {
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.payload);
  } catch {
    // Not JSON: the consumer decoded it somehow else, and the step is simply unknown.
    return UNKNOWN;
  }
  if (typeof envelope !== 'object' || envelope === null) return UNKNOWN;
  const step = 'step' in envelope && typeof envelope.step === 'string' ? envelope.step : null;
  const kind = 'kind' in envelope ? envelope.kind : null;
  const direction = kind === 'command' ? 'forward' : kind === 'compensation' ? kind : null;
  return { step, direction };
}

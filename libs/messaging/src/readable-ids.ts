import { type ErrorContext } from '@sagaflow/core';
import { isMessagingId, MAX_NAME_LENGTH } from './envelope-fields';

const ID_FIELDS = ['messageId', 'sagaId'] as const;
const NAME_FIELDS = ['sagaType', 'step', 'kind', 'messageType'] as const;

/**
 * The ids and names that can be read from a message that failed to decode, for the
 * error's context and the dead letter. Only well-formed values are taken: a malformed id
 * would mislead whoever traces the dead letter, and a huge one would bloat the logs.
 */
export function readableIds(message: object): ErrorContext {
  const record = message as Readonly<Record<string, unknown>>;
  const context: Record<string, string> = {};
  for (const field of ID_FIELDS) {
    const value = record[field];
    if (isMessagingId(value)) context[field] = value;
  }
  for (const field of NAME_FIELDS) {
    const value = record[field];
    if (typeof value === 'string' && value !== '' && value.length <= MAX_NAME_LENGTH) {
      context[field] = value;
    }
  }
  return context;
}

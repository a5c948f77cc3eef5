import { type DeadLetter, type StoredDeadLetter } from '@sagaflow/core';

import { type DeadLetterReplayPort } from '../ports/dead-letter-replay-port';

/** A {@link DeadLetterReplayPort} that keeps what it re-published, or fails when told to. */
export class InMemoryDeadLetterReplay implements DeadLetterReplayPort {
  /** Every record re-published, in order. */
  readonly published: StoredDeadLetter[] = [];
  /** When set, `replay` rejects with it and publishes nothing. */
  failure: Error | null = null;

  replay(deadLetter: StoredDeadLetter): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    this.published.push(deadLetter);
    return Promise.resolve();
  }
}

/** A dead letter as a consumer records it; `overrides` change any field. */
export function sampleDeadLetter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    consumer: 'ledger',
    sourceTopic: 'sagaflow.ledger.commands',
    partition: 0,
    offset: '41',
    key: 'saga-1',
    value: '{not json',
    valueTruncated: false,
    headers: { 'sagaflow-message-id': 'm-1' },
    reason: { code: 'MALFORMED_MESSAGE', message: 'value is not JSON' },
    messageId: null,
    sagaId: null,
    failedAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

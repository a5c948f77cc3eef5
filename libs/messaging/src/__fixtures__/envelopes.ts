import { type SagaCommand } from '@sagaflow/core';
import { type CommandEnvelope } from '../command-envelope';
import { type FailureReplyEnvelope, type SuccessReplyEnvelope } from '../reply-envelope';

/** A forward command as the decider emits it. */
export const reserveCredit: SagaCommand = {
  messageId: 'saga-1.reserve-credit.f.1',
  sagaId: 'saga-1',
  sagaType: 'place-order',
  sagaVersion: 2,
  step: 'reserve-credit',
  direction: 'forward',
  attempt: 1,
  participant: 'payment-service',
  command: 'ReserveCredit',
  payload: { customerId: 'c-7', amount: 120.5, lines: [{ sku: 'A-1', qty: 2 }] },
};

export const occurredAt = new Date('2024-05-01T12:00:00.000Z');

/** The envelope of {@link reserveCredit}. */
export const commandEnvelope: CommandEnvelope = {
  schemaVersion: 1,
  messageId: 'saga-1.reserve-credit.f.1',
  kind: 'command',
  messageType: 'ReserveCredit',
  sagaId: 'saga-1',
  sagaType: 'place-order',
  sagaVersion: 2,
  step: 'reserve-credit',
  attempt: 1,
  correlationId: 'saga-1',
  causationId: null,
  occurredAt: '2024-05-01T12:00:00.000Z',
  source: 'orchestrator',
  headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  payload: { customerId: 'c-7', amount: 120.5, lines: [{ sku: 'A-1', qty: 2 }] },
  participant: 'payment-service',
};

/** A compensation of the same step. */
export const compensationEnvelope: CommandEnvelope = {
  ...commandEnvelope,
  messageId: 'saga-1.reserve-credit.c.1',
  kind: 'compensation',
  messageType: 'ReleaseCredit',
};

export const successReplyEnvelope: SuccessReplyEnvelope = {
  schemaVersion: 1,
  messageId: 'saga-1.reserve-credit.f.1.r',
  kind: 'reply',
  messageType: 'ReserveCredit',
  sagaId: 'saga-1',
  sagaType: 'place-order',
  sagaVersion: 2,
  step: 'reserve-credit',
  attempt: 1,
  correlationId: 'saga-1',
  causationId: 'saga-1.reserve-credit.f.1',
  occurredAt: '2024-05-01T12:00:01.250Z',
  source: 'payment-service',
  headers: {},
  payload: { reservationId: 'r-99' },
  replyTo: { messageId: 'saga-1.reserve-credit.f.1', kind: 'command' },
  outcome: 'success',
};

export const failureReplyEnvelope: FailureReplyEnvelope = {
  ...successReplyEnvelope,
  payload: {},
  outcome: 'failure',
  failure: { kind: 'business', code: 'CREDIT_LIMIT_EXCEEDED', message: 'limit is 100' },
};

/** A JSON copy of a value, as a mutable record to damage in tests. */
export function jsonCopy(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** The error `run` throws; fails the test when it throws nothing. */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}

import { type SagaEvent } from '@sagaflow/core';

/**
 * A saga event as one short line (type, step, direction, attempt, failure), so a history
 * can be compared with the expected one in a single, readable assertion.
 *
 * @example
 * ```ts
 * describeEvent(event); // 'AttemptFailed reserve-stock forward #2 timeout TIMEOUT'
 * ```
 */
export function describeEvent(event: SagaEvent): string {
  switch (event.type) {
    case 'CommandDispatched':
      return `${event.type} ${event.step} ${event.direction} #${event.attempt}`;
    case 'StepSucceeded':
      return `${event.type} ${event.step} #${event.attempt}`;
    case 'AttemptFailed':
      return `${event.type} ${event.step} ${event.direction} #${event.attempt} ${event.failure.kind} ${event.failure.code}`;
    case 'RetryScheduled':
      return `${event.type} ${event.step} ${event.direction} #${event.nextAttempt}`;
    case 'StepFailed':
    case 'CompensationFailed':
      return `${event.type} ${event.step} ${event.failure.code}`;
    case 'CompensationStarted':
      return `${event.type} [${event.toCompensate.join(', ')}] awaiting [${event.awaiting.join(', ')}]`;
    case 'StepCompensated':
      return `${event.type} ${event.step} #${event.attempt}`;
    case 'InputIgnored':
      return `${event.type} ${event.input} ${event.step ?? '-'} #${event.attempt ?? '-'} ${event.reason}`;
    case 'OperatorActionRecorded':
      return `${event.type} ${event.action}`;
    case 'MessageRedelivered':
      return `${event.type} ${event.kind} ${event.consumer} ${event.messageId ?? '-'}`;
    case 'SagaStarted':
    case 'SagaCompleted':
    case 'SagaCompensated':
      return event.type;
  }
}

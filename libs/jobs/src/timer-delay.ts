import { InvalidArgumentError } from '@sagaflow/core';

/**
 * How long BullMQ must hold a timer's job: `dueAt − now` in whole ms, never negative (a
 * timer already due fires at once).
 *
 * @throws InvalidArgumentError when `dueAt` is not an ISO-8601 time.
 */
export function timerDelayMs(dueAt: string, now: Date): number {
  const due = Date.parse(dueAt);
  if (Number.isNaN(due)) {
    throw new InvalidArgumentError('dueAt', dueAt, 'must be an ISO-8601 time');
  }
  return Math.max(0, Math.ceil(due - now.getTime()));
}

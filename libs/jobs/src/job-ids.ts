import { InvalidArgumentError } from '@sagaflow/core';

const TIMER_ID = /^[A-Za-z0-9._-]+$/;

/**
 * The job id of a timer: the timer id itself, so scheduling it again is a no-op. Timer
 * ids are `[A-Za-z0-9._-]` (no `:`, which BullMQ forbids) and must not be a plain integer
 * (BullMQ reserves those for its own ids).
 *
 * @throws InvalidArgumentError when the id breaks either rule.
 */
export function timerJobId(timerId: string): string {
  if (typeof timerId !== 'string' || !TIMER_ID.test(timerId)) {
    throw new InvalidArgumentError(
      'timerId',
      timerId,
      'must be a non-empty string of [A-Za-z0-9._-]',
    );
  }
  if (String(Number.parseInt(timerId, 10)) === timerId) {
    throw new InvalidArgumentError('timerId', timerId, 'must not be a plain integer');
  }
  return timerId;
}

/**
 * The job id of a message's first processing job: `<consumer>-<messageId>`, so enqueueing
 * it twice runs it once. Unique within the consumer's queue; `%`, `:` and `#` are escaped
 * (`%25`, `%3A`, `%23`), keeping ids free of `:` and distinct ids distinct.
 */
export function eventProcessJobId(consumer: string, messageId: string): string {
  return `${escapeJobIdPart(consumer)}-${escapeJobIdPart(messageId)}`;
}

/**
 * The job id of a requeued record: `<consumer>-<messageId>#<attempts>`, followed by
 * `-<updatedAt in epoch ms>` when the record's `updatedAt` is given. It differs from the
 * first job's id and from the ids of earlier requeues of the record (which BullMQ may still
 * keep as completed or failed, and would then ignore a re-add of) — a record retried by an
 * operator has the attempts of an earlier requeue but a new `updatedAt` — yet stays the
 * same while the record does not move, so requeueing it twice runs it once.
 */
export function requeueJobId(
  consumer: string,
  messageId: string,
  attempts: number,
  updatedAt?: string,
): string {
  const base = `${eventProcessJobId(consumer, messageId)}#${attempts}`;
  const updatedMs = updatedAt === undefined ? Number.NaN : Date.parse(updatedAt);
  return Number.isNaN(updatedMs) ? base : `${base}-${updatedMs}`;
}

function escapeJobIdPart(part: string): string {
  return part.replace(/[%:#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

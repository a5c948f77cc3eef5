import { describeError, type Logger, type Redelivery, SagaNotFoundError } from '@sagaflow/core';

import { type SagaEnginePort } from './http-api-deps';
import { sagaIdSchema } from './request-schemas';

/**
 * Records a redelivery that happened in the history of the message's saga, when it has
 * one: a `MessageRedelivered` event appended to the saga's stream. A message of no saga
 * (its saga id could not be read), or of a saga that does not exist (purged, say), has no
 * history to record it in: that is logged at info. Never throws: the redelivery is done
 * whatever happens to its record, and an error answered to the operator would invite a
 * second redelivery rather than a record, so a failed append is logged as an error and the
 * log is what keeps that redelivery.
 *
 * @example
 * ```ts
 * await deps.deadLetterReplay.replay(deadLetter);
 * await recordSagaRedelivery(deps.engine, log, deadLetter.sagaId, {
 *   kind: 'dead-letter-replay', consumer: deadLetter.consumer, messageId: deadLetter.messageId,
 *   deadLetterId: deadLetter.id, actor, reason,
 * });
 * ```
 */
export async function recordSagaRedelivery(
  engine: SagaEnginePort,
  log: Logger,
  sagaId: string | null,
  redelivery: Redelivery,
): Promise<void> {
  if (sagaId === null) return;
  const fields = {
    sagaId,
    redelivery: redelivery.kind,
    consumer: redelivery.consumer,
    messageId: redelivery.messageId,
    deadLetterId: redelivery.deadLetterId,
    actor: redelivery.actor,
  };
  try {
    // Ids read from a malformed message may be no ids at all.
    if (!sagaIdSchema.safeParse(sagaId).success) throw new SagaNotFoundError(sagaId);
    const messageId = redelivery.messageId?.trim() === '' ? null : redelivery.messageId;
    await engine.recordRedelivery(sagaId, { ...redelivery, messageId });
  } catch (error: unknown) {
    if (error instanceof SagaNotFoundError) {
      log.info('redelivery not recorded in a saga history: the saga does not exist', fields);
      return;
    }
    log.error('redelivery not recorded in the saga history', {
      ...fields,
      error: describeError(error),
    });
  }
}

import {
  type EventProcessRecord,
  type SagaEngine,
  TransientError,
  UnknownSagaTypeError,
} from '@sagaflow/core';
import { type EventProcessHandler } from '@sagaflow/jobs';
import { decodeReply, replyToInput } from '@sagaflow/messaging';

/**
 * The worker pool's handler for the orchestrator's EventProcess records: decodes the
 * stored reply, maps it to the decider's input and applies it with the record as the
 * `processed` mark, so the record turns DONE in the same transaction as the decision.
 *
 * Errors keep their meaning for the pool: a reply that no longer decodes
 * (`MessageDecodeError`) or names no saga (`SagaNotFoundError`) is terminal — the record
 * is marked FAILED and logged; a lost optimistic lock or a database hiccup is retried. A
 * saga whose definition version this instance lacks (`UnknownSagaTypeError`, a rolling
 * deploy) is retried too, as a retryable `SAGA_DEFINITION_UNAVAILABLE` — another instance
 * may know the version — and FAILED only once the pool's attempts are exhausted, for an
 * operator to retry once every instance runs the version.
 *
 * @example
 * ```ts
 * new EventProcessWorkerPool({ ...queues, eventProcess, handlers: { orchestrator: createReplyHandler(engine) } });
 * ```
 */
export function createReplyHandler(engine: Pick<SagaEngine, 'handleReply'>): EventProcessHandler {
  return async (record: EventProcessRecord) => {
    const decoded = decodeReply(record.payload);
    // The consumer decoded it before storing it: only a codec change can make it fail now.
    if (!decoded.ok) throw decoded.error;
    const reply = decoded.envelope;
    try {
      return await engine.handleReply(replyToInput(reply), {
        processed: { consumer: record.consumer, messageId: record.messageId },
      });
    } catch (error: unknown) {
      if (!(error instanceof UnknownSagaTypeError)) throw error;
      throw new TransientError(
        'SAGA_DEFINITION_UNAVAILABLE',
        `saga definition '${reply.sagaType}' version ${reply.sagaVersion} is not registered on this instance; another instance may have it`,
        {
          cause: error,
          context: {
            sagaId: reply.sagaId,
            step: reply.step,
            messageId: reply.messageId,
            sagaType: reply.sagaType,
          },
        },
      );
    }
  };
}

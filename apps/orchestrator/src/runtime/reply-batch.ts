import {
  describeError,
  type EventProcessMessage,
  type Logger,
  type SagaEngine,
} from '@sagaflow/core';
import { type ConsumedMessage } from '@sagaflow/kafka';
import { isReplyEnvelope, type ReplyEnvelope, replyToInput } from '@sagaflow/messaging';

/** What {@link createReplyBatch} needs. */
export interface ReplyBatchDeps {
  readonly engine: Pick<SagaEngine, 'handleReplies'>;
  /**
   * Runs the replies the batch left one by one, with retries: the worker pool's
   * `process`, whose handler is `createReplyHandler(engine)`.
   */
  readonly processOneByOne: (messages: readonly EventProcessMessage[]) => Promise<void>;
  /** Caches the DONE status of the replies applied (`CachedEventProcessStore.rememberAllDone`). */
  readonly rememberDone: (
    records: readonly { readonly consumer: string; readonly messageId: string }[],
  ) => Promise<void>;
  readonly logger: Logger;
}

/**
 * The orchestrator's way with a consumed batch of new replies: all of them decided and
 * appended in one transaction (`SagaEngine.handleReplies`), each one's EventProcess record
 * marked DONE in it. What the batch does not apply — every reply when the append lost an
 * optimistic lock or failed, or the replies of a saga that cannot be loaded or decided —
 * goes through the worker pool one by one, which retries and reports each.
 *
 * @example
 * ```ts
 * const applyReplies = createReplyBatch({ engine, processOneByOne: (m) => pool.process(m),
 *   rememberDone: (r) => eventProcess.rememberAllDone(r), logger });
 * const { accepted } = await eventProcess.receive(messages);
 * await applyReplies(accepted);
 * ```
 */
export function createReplyBatch(
  deps: ReplyBatchDeps,
): (messages: readonly ConsumedMessage[]) => Promise<void> {
  const log = deps.logger.child({ component: 'reply-batch' });
  return async (messages) => {
    if (messages.length === 0) return;
    const replies: { readonly message: ConsumedMessage; readonly envelope: ReplyEnvelope }[] = [];
    const others: ConsumedMessage[] = [];
    for (const message of messages) {
      // The consumer accepts replies only; anything else is the pool's to fail and report.
      const { envelope } = message;
      if (isReplyEnvelope(envelope)) replies.push({ message, envelope });
      else others.push(message);
    }
    let left: readonly number[] = [];
    if (replies.length > 0) {
      try {
        left = await deps.engine.handleReplies(
          replies.map(({ message, envelope }) => ({
            reply: replyToInput(envelope),
            options: { processed: { consumer: message.consumer, messageId: message.messageId } },
          })),
        );
      } catch (error: unknown) {
        // Loading or caching failed outside the append: one by one, each one reports.
        log.warn('applying the batch failed; applying the replies one by one', {
          replies: replies.length,
          error: describeError(error),
        });
        left = replies.map((_, index) => index);
      }
    }
    const leftSet = new Set(left);
    const applied = replies.filter((_, index) => !leftSet.has(index)).map((r) => r.message);
    if (applied.length > 0) await deps.rememberDone(applied);
    const oneByOne = [
      ...replies.filter((_, index) => leftSet.has(index)).map((r) => r.message),
      ...others,
    ];
    if (oneByOne.length > 0) await deps.processOneByOne(oneByOne);
  };
}

import { type EventProcessMessage } from '@sagaflow/core';
import { type Envelope } from '@sagaflow/messaging';
import { type EventProcessWorkerPool } from '@sagaflow/jobs';
import { type CachedEventProcessStore } from '@sagaflow/redis';

import { type CommandProcessor } from './command-processor';

/** What {@link applyCommandBatch} needs. */
export interface CommandBatchDeps {
  readonly processor: Pick<CommandProcessor, 'processBatch' | 'answerFailedRun'>;
  readonly pool: Pick<EventProcessWorkerPool, 'process' | 'retryFailed'>;
  readonly eventProcess: Pick<CachedEventProcessStore, 'rememberAllDone'>;
  /** Runs a record gets at most (`maxHandlerAttempts`): the batch's run is the first. */
  readonly maxAttempts: number;
}

/**
 * Applies a consumed batch of new commands (with their decoded envelopes, when the consumer
 * has them): all of them in one transaction
 * (`CommandProcessor.processBatch`); what it leaves goes to the worker pool — a command
 * whose run failed as its failed first attempt (retried after the back-off, or answered
 * with a technical failure and FAILED), the later commands of its saga behind it, and
 * commands that did not run at all (every one when the transaction failed) for a first
 * run one by one.
 *
 * @example
 * ```ts
 * const { accepted } = await eventProcess.receive(messages);
 * await applyCommandBatch(accepted, { processor, pool, eventProcess, maxAttempts: 5 });
 * ```
 */
export async function applyCommandBatch(
  messages: readonly (EventProcessMessage & { readonly envelope?: Envelope })[],
  deps: CommandBatchDeps,
): Promise<void> {
  if (messages.length === 0) return;
  const { processor, pool, eventProcess } = deps;
  const left = await processor.processBatch(messages);
  const leftIndexes = new Set(left.map((l) => l.index));
  const answered = messages.filter((_, index) => !leftIndexes.has(index));
  if (answered.length > 0) await eventProcess.rememberAllDone(answered);

  const failures: { message: EventProcessMessage; error: unknown }[] = [];
  const heldBack: EventProcessMessage[] = [];
  const notRun: EventProcessMessage[] = [];
  const run = { attempt: 1, final: deps.maxAttempts === 1 };
  for (const entry of left) {
    const message = messages[entry.index];
    if (message === undefined) continue;
    if (entry.outcome === 'failed') {
      const error = await processor.answerFailedRun(message, entry.error, run);
      failures.push({ message, error });
    } else if (entry.outcome === 'held-back') {
      heldBack.push(message);
    } else {
      notRun.push(message);
    }
  }
  if (failures.length > 0 || heldBack.length > 0) await pool.retryFailed(failures, heldBack);
  if (notRun.length > 0) await pool.process(notRun);
}

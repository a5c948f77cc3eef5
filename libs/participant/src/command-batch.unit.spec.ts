import { type EventProcessMessage } from '@sagaflow/core';
import { type EventProcessRun } from '@sagaflow/jobs';

import { applyCommandBatch, type CommandBatchDeps } from './command-batch';
import { type BatchLeft } from './command-processor';

function message(n: number, sagaId = `s-${n}`): EventProcessMessage {
  return {
    consumer: 'payment-service',
    messageId: `m-${n}`,
    sagaId,
    messageType: 'ReserveCredit',
    payload: '{}',
  };
}

/** What the fake `answerFailedRun` hands on for an error: a wrapper the test can recognise. */
function answered(error: unknown): { readonly answered: unknown } {
  return { answered: error };
}

/** Fakes of the processor, pool and EventProcess table that record what they were asked, in order. */
function fakes(left: readonly BatchLeft[], maxAttempts = 5) {
  const calls: string[] = [];
  const processBatch = jest.fn((records: readonly EventProcessMessage[]) => {
    calls.push(`processBatch:${records.length}`);
    return Promise.resolve(left);
  });
  const answerFailedRun = jest.fn(
    (record: EventProcessMessage, error: unknown, _run: EventProcessRun) => {
      calls.push(`answerFailedRun:${record.messageId}`);
      return Promise.resolve<unknown>(answered(error));
    },
  );
  const retryFailed = jest.fn(
    (
      _failures: readonly { readonly message: EventProcessMessage; readonly error: unknown }[],
      _heldBack?: readonly EventProcessMessage[],
    ) => {
      calls.push('retryFailed');
      return Promise.resolve();
    },
  );
  const process = jest.fn((_messages: readonly EventProcessMessage[]) => {
    calls.push('process');
    return Promise.resolve();
  });
  const rememberAllDone = jest.fn((_records: readonly EventProcessMessage[]) => {
    calls.push('rememberAllDone');
    return Promise.resolve();
  });
  const deps: CommandBatchDeps = {
    processor: { processBatch, answerFailedRun },
    pool: { process, retryFailed },
    eventProcess: { rememberAllDone },
    maxAttempts,
  };
  return { deps, calls, processBatch, answerFailedRun, retryFailed, process, rememberAllDone };
}

describe('applyCommandBatch', () => {
  it('does nothing for an empty batch', async () => {
    const f = fakes([]);

    await applyCommandBatch([], f.deps);

    expect(f.calls).toEqual([]);
  });

  it('remembers a fully answered batch as DONE and hands nothing to the pool', async () => {
    const messages = [message(0), message(1), message(2)];
    const f = fakes([]);

    await applyCommandBatch(messages, f.deps);

    expect(f.processBatch).toHaveBeenCalledWith(messages);
    expect(f.rememberAllDone).toHaveBeenCalledTimes(1);
    expect(f.rememberAllDone).toHaveBeenCalledWith(messages);
    expect(f.answerFailedRun).not.toHaveBeenCalled();
    expect(f.retryFailed).not.toHaveBeenCalled();
    expect(f.process).not.toHaveBeenCalled();
  });

  it('remembers the answered ones, retries the failed ones with those held back behind them, and runs the rest', async () => {
    const messages = [
      message(0, 's-a'),
      message(1, 's-c'),
      message(2, 's-c'),
      message(3, 's-u'),
      message(4, 's-e'),
      message(5, 's-b'),
      message(6, 's-e'),
    ];
    const first = new Error('the explosives went off');
    const second = new Error('ER_LOCK_WAIT_TIMEOUT');
    const f = fakes([
      { index: 1, outcome: 'failed', error: first },
      { index: 2, outcome: 'held-back' },
      { index: 3, outcome: 'not-run' },
      { index: 4, outcome: 'failed', error: second },
      { index: 6, outcome: 'held-back' },
    ]);

    await applyCommandBatch(messages, f.deps);

    expect(f.rememberAllDone).toHaveBeenCalledTimes(1);
    expect(f.rememberAllDone).toHaveBeenCalledWith([messages[0], messages[5]]);
    // Each failed run is answered (or counted) as the record's first, not final, run.
    expect(f.answerFailedRun.mock.calls).toEqual([
      [messages[1], first, { attempt: 1, final: false }],
      [messages[4], second, { attempt: 1, final: false }],
    ]);
    // The pool gets what answerFailedRun returned, not the raw error.
    expect(f.retryFailed).toHaveBeenCalledTimes(1);
    const [failures, heldBack] = f.retryFailed.mock.calls[0] ?? [];
    expect(failures).toEqual([
      { message: messages[1], error: answered(first) },
      { message: messages[4], error: answered(second) },
    ]);
    expect(heldBack).toEqual([messages[2], messages[6]]);
    expect(f.process).toHaveBeenCalledTimes(1);
    expect(f.process).toHaveBeenCalledWith([messages[3]]);
    expect(f.calls).toEqual([
      'processBatch:7',
      'rememberAllDone',
      'answerFailedRun:m-1',
      'answerFailedRun:m-4',
      'retryFailed',
      'process',
    ]);
  });

  it('hands every command to the pool for a first run when the batch transaction failed', async () => {
    const messages = [message(0), message(1, 's-0'), message(2)];
    const f = fakes(messages.map((_, index) => ({ index, outcome: 'not-run' as const })));

    await applyCommandBatch(messages, f.deps);

    expect(f.rememberAllDone).not.toHaveBeenCalled();
    expect(f.answerFailedRun).not.toHaveBeenCalled();
    expect(f.retryFailed).not.toHaveBeenCalled();
    expect(f.process).toHaveBeenCalledWith(messages);
  });

  it('retries a failure that has nobody held back behind it without running anything else', async () => {
    const messages = [message(0), message(1)];
    const error = new Error('flaky');
    const f = fakes([{ index: 1, outcome: 'failed', error }]);

    await applyCommandBatch(messages, f.deps);

    expect(f.rememberAllDone).toHaveBeenCalledWith([messages[0]]);
    expect(f.retryFailed).toHaveBeenCalledWith(
      [{ message: messages[1], error: answered(error) }],
      [],
    );
    expect(f.process).not.toHaveBeenCalled();
  });

  it('tells answerFailedRun the batch run was the final one when a record has a single attempt', async () => {
    const messages = [message(0)];
    const error = new Error('flaky');
    const f = fakes([{ index: 0, outcome: 'failed', error }], 1);

    await applyCommandBatch(messages, f.deps);

    expect(f.answerFailedRun).toHaveBeenCalledWith(messages[0], error, {
      attempt: 1,
      final: true,
    });
    expect(f.rememberAllDone).not.toHaveBeenCalled();
    expect(f.retryFailed).toHaveBeenCalledWith(
      [{ message: messages[0], error: answered(error) }],
      [],
    );
  });
});

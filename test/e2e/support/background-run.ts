import { runSagas, type SagaRunProgress, type SagaRunResult } from '@sagaflow/stack';

import { waitFor } from './wait-for';

/** A run of sagas going on while the test does something to the stack. */
export interface BackgroundRun {
  /** Settles when every saga ended or the drain timeout passed. */
  readonly done: Promise<SagaRunResult>;
  /**
   * Resolves with the first progress `reached` accepts (polled every 50 ms); rejects at once
   * if the run fails, or after `timeoutMs` with the last progress seen.
   */
  until(
    reached: (progress: SagaRunProgress) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<SagaRunProgress>;
}

/**
 * Starts `runSagas(options)` and lets the test wait for a point of it (`until`) before it
 * kills, flushes or restarts something, then `await run.done`.
 *
 * @example
 * ```ts
 * const run = runInBackground({ api, orders, concurrency: 50, statuses });
 * await run.until((p) => p.ended >= 60, '60 sagas ended');
 * await stack.kill('orchestrator', 'SIGKILL');
 * const result = await run.done;
 * ```
 */
export function runInBackground(
  options: Omit<Parameters<typeof runSagas>[0], 'onProgress'>,
): BackgroundRun {
  let progress: SagaRunProgress | null = null;
  let failure: Error | null = null;
  const done = runSagas({
    ...options,
    onProgress: (p) => {
      progress = p;
    },
  });
  done.catch((error: unknown) => {
    failure = error instanceof Error ? error : new Error(JSON.stringify(error));
  });
  return {
    done,
    until: (reached, what, timeoutMs = 120_000) =>
      waitFor(
        () => {
          if (failure !== null) throw failure;
          const current: SagaRunProgress | null = progress;
          return Promise.resolve(current !== null && reached(current) ? current : undefined);
        },
        { timeoutMs, intervalMs: 50, what },
        () => JSON.stringify(progress),
      ),
  };
}

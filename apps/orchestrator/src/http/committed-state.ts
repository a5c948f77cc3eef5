import { type Logger, type SagaState, TimerSchedulingError } from '@sagaflow/core';

import { type SagaEnginePort } from './http-api-deps';

/**
 * The saga's state when `error` says its decision was committed but its timers could not
 * be set: the request did succeed, and recovery re-arms the timers from the saga's
 * `pendingTimers`. Answering an error instead would invite a retry that starts a second
 * saga (without a business key) or repeats an operator action. Rethrows any other error.
 *
 * @example
 * ```ts
 * const state = await engine.act(sagaId, action).catch((error: unknown) => committedState(error, engine, log));
 * ```
 */
export async function committedState(
  error: unknown,
  engine: SagaEnginePort,
  log: Logger,
): Promise<SagaState> {
  if (!(error instanceof TimerSchedulingError) || error.context.sagaId === undefined) throw error;
  const state = await engine.getState(error.context.sagaId);
  if (state === null) throw error;
  log.warn('decision committed, but its timers could not be set; recovery re-arms them', {
    sagaId: state.sagaId,
    sagaType: state.sagaType,
    pendingTimers: state.pendingTimers.map((timer) => timer.timerId),
  });
  return state;
}

import { SagaflowError, type SagaflowErrorOptions } from '../errors/sagaflow-error';

/**
 * The decision was committed but its timers could not be scheduled or cancelled.
 * Retryable: the saga's `pendingTimers` still name every timer it needs, and
 * `SagaEngine.rearmTimers` (recovery) or a retried input schedules them again.
 *
 * @example
 * ```ts
 * try { await engine.handleTimer(timer); }
 * catch (e) { if (e instanceof TimerSchedulingError) await retryLater(timer); else throw e; }
 * ```
 */
export class TimerSchedulingError extends SagaflowError {
  readonly code = 'TIMER_SCHEDULING_FAILED';
  readonly retryable = true;

  constructor(sagaId: string, options?: SagaflowErrorOptions) {
    super(`timers of saga '${sagaId}' could not be scheduled after its decision was committed`, {
      ...options,
      context: { ...options?.context, sagaId },
    });
  }
}

import { type Logger, type SagaInputKind, type SagaObserver } from '@sagaflow/core';

/**
 * Milliseconds since this process started. Node's `performance.now()` counts from
 * `performance.timeOrigin`, the start of the process, so start-up milestones logged with it
 * measure what a supervisor (or a chaos harness) sees: the time from spawn, module loading
 * included.
 */
export function sinceProcessStartMs(): number {
  return Math.round(performance.now());
}

/**
 * Wraps the engine's observer so that the first decision of each input kind (`start`,
 * `reply`, `timer`, `operator`) this process commits is logged once, as `first decision`
 * with `input`, `sagaType`, `sagaId` and `sinceProcessStartMs`: after a crash and restart,
 * the `reply` line measures restart-to-first-decision — how long the sagas in flight
 * waited for the new process.
 *
 * @example
 * ```ts
 * const engine = new SagaEngine({ ...ports, observer: logFirstDecisions(metricsObserver(metrics), log) });
 * // {"message":"first decision","input":"reply","sagaType":"place-order","sinceProcessStartMs":11840,…}
 * ```
 */
export function logFirstDecisions(
  observer: SagaObserver,
  logger: Logger,
  now: () => number = sinceProcessStartMs,
): SagaObserver {
  const seen = new Set<SagaInputKind>();
  return {
    ...observer,
    onDecision: (observation) => {
      observer.onDecision?.(observation);
      const { input, sagaType, sagaId } = observation;
      if (seen.has(input)) return;
      seen.add(input);
      logger.info('first decision', { input, sagaType, sagaId, sinceProcessStartMs: now() });
    },
  };
}

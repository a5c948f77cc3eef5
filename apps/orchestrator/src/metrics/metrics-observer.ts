import {
  type DecisionObservation,
  isParkedStatus,
  isTerminalStatus,
  type SagaEvent,
  type SagaObserver,
} from '@sagaflow/core';

import { type OrchestratorMetrics, type ReplyOutcome } from './orchestrator-metrics';

/**
 * The engine's observer that feeds {@link OrchestratorMetrics}: decisions and their
 * duration, sagas started, ended (with their duration from `startedAt` to `endedAt`) and
 * parked — derived from the states before and after each decision — commands dispatched,
 * replies by outcome, ignored inputs, optimistic-lock conflicts, cache and timer errors,
 * and deduplicated starts.
 *
 * @example
 * ```ts
 * const engine = new SagaEngine({ ...ports, observer: metricsObserver(metrics) });
 * ```
 */
export function metricsObserver(metrics: OrchestratorMetrics): SagaObserver {
  return {
    onDecision: (observation) => {
      observeDecision(metrics, observation);
    },
    onConflict: ({ sagaType }) => {
      metrics.optimisticLockConflicts.inc({ saga_type: sagaType });
    },
    onCacheError: ({ operation }) => {
      metrics.recordCacheError('saga-state', operation);
    },
    onSchedulingError: () => {
      metrics.timerSchedulingErrors.inc();
    },
    onDuplicateStart: ({ sagaType }) => {
      metrics.startsDeduplicated.inc({ saga_type: sagaType });
    },
  };
}

function observeDecision(metrics: OrchestratorMetrics, observation: DecisionObservation): void {
  const { sagaType, input, before, after, events, commands, durationMs } = observation;
  const saga_type = sagaType;
  metrics.decisions.inc({ saga_type, input });
  if (durationMs !== undefined && durationMs >= 0) {
    metrics.decisionDuration.observe({ input }, durationMs / 1000);
  }
  if (before === null) metrics.sagasStarted.inc({ saga_type });
  if (before?.status !== after.status) {
    if (isTerminalStatus(after.status)) {
      metrics.sagasEnded.inc({ saga_type, status: after.status });
      const seconds = secondsBetween(after.startedAt, after.endedAt);
      if (seconds !== null) {
        metrics.sagaDuration.observe({ saga_type, status: after.status }, seconds);
      }
    } else if (isParkedStatus(after.status)) {
      metrics.sagasParked.inc({ saga_type });
    }
  }
  for (const command of commands) {
    metrics.recordCommand(command.participant, command.command, command.direction);
  }
  for (const event of events) {
    if (event.type === 'InputIgnored') {
      metrics.inputsIgnored.inc({ input: event.input, reason: event.reason });
    }
  }
  if (input === 'reply') {
    const outcome = replyOutcome(events);
    if (outcome !== null) metrics.replies.inc({ outcome });
  }
}

/** What the reply did: the first event a reply produces says it. */
function replyOutcome(events: readonly SagaEvent[]): ReplyOutcome | null {
  for (const event of events) {
    switch (event.type) {
      case 'StepSucceeded':
      case 'StepCompensated':
        return 'success';
      case 'AttemptFailed':
        return event.failure.kind === 'timeout' ? null : event.failure.kind;
      case 'InputIgnored':
        return 'ignored';
      default:
        break;
    }
  }
  return null;
}

function secondsBetween(from: string, to: string | null): number | null {
  if (to === null) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms / 1000 : null;
}

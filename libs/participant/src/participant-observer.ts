import { type Direction } from '@sagaflow/core';

/**
 * How a command ended:
 * - `applied`: the handler ran and its change committed;
 * - `stored`: the step had applied already (an earlier attempt): answered from the stored
 *   reply, the handler did not run;
 * - `nothing-to-undo`: a compensation of a step that never applied: answered success
 *   without running the handler;
 * - `business-failure`: refused (a `BusinessError`, an invalid payload, a step already
 *   compensated); nothing changed;
 * - `technical-failure`: the attempts ran out; the EventProcess record is FAILED.
 */
export type CommandOutcome =
  'applied' | 'stored' | 'nothing-to-undo' | 'business-failure' | 'technical-failure';

/** Why a command was a duplicate. */
export type DuplicateReason =
  /** The same message again (same message id): dropped by the EventProcess table. */
  | 'redelivered'
  /** A new attempt of a step that had applied: answered from the stored reply. */
  | 'step-applied';

/**
 * What a participant reports to whoever watches it: metrics (Prometheus counters, say,
 * from `createParticipantPrometheusMetrics`) or logs. Every hook is optional; one that
 * throws is logged and changes nothing.
 */
export interface ParticipantObserver {
  /** A command was answered (its reply committed to the outbox). */
  onHandled?(event: {
    readonly messageType: string;
    readonly direction: Direction;
    readonly outcome: CommandOutcome;
    readonly durationMs: number;
  }): void;
  /** Duplicates discarded: redelivered messages (in bulk) or re-attempts of applied steps. */
  onDuplicate?(event: { readonly reason: DuplicateReason; readonly count: number }): void;
  /**
   * A command failed: `retry` when it will be tried again, `business` or `technical` when
   * the failure was answered.
   */
  onFailure?(event: {
    readonly messageType: string;
    readonly kind: 'business' | 'technical' | 'retry';
    readonly code: string;
  }): void;
  /** A consumed record went to the dead letters (first time only). */
  onDeadLetter?(event: { readonly reasonCode: string }): void;
  /**
   * A BullMQ job (a command's, or a recovery run) lost its Redis keys while it ran — a
   * Redis flush or a failover to an empty replica. Nothing is lost: the recovery job
   * queues the command again from MySQL.
   */
  onJobLost?(event: { readonly queue: string }): void;
}

/** Counters since the participant was created; {@link ParticipantObserver} in numbers. */
export interface ParticipantStats {
  /** Commands answered, every outcome included. */
  readonly handled: number;
  /** Handler runs that committed. */
  readonly applied: number;
  /** Redelivered messages dropped by the EventProcess table. */
  readonly redelivered: number;
  /** New attempts of applied steps answered from the stored reply. */
  readonly stepDuplicates: number;
  /** Compensations answered without running the handler (nothing to undo). */
  readonly nothingToUndo: number;
  readonly businessFailures: number;
  readonly technicalFailures: number;
  /** Failed runs that were tried again. */
  readonly retries: number;
  readonly deadLetters: number;
  /** BullMQ jobs whose Redis keys were gone when they finished (see `onJobLost`). */
  readonly lostJobs: number;
}

import { type Direction, type Logger } from '@sagaflow/core';

import {
  type CommandOutcome,
  type DuplicateReason,
  type ParticipantMetrics,
  type ParticipantStats,
} from './participant-metrics';

const OUTCOME_COUNTER: Readonly<Record<CommandOutcome, keyof ParticipantStats | null>> = {
  applied: 'applied',
  stored: null,
  'nothing-to-undo': 'nothingToUndo',
  'business-failure': 'businessFailures',
  'technical-failure': 'technicalFailures',
};

/** Counts what a participant does and forwards it to the user's metrics hooks. */
export class ParticipantMonitor {
  readonly #metrics: ParticipantMetrics;
  readonly #logger: Logger;
  #stats: ParticipantStats = {
    handled: 0,
    applied: 0,
    redelivered: 0,
    stepDuplicates: 0,
    nothingToUndo: 0,
    businessFailures: 0,
    technicalFailures: 0,
    retries: 0,
    deadLetters: 0,
    lostJobs: 0,
  };

  constructor(metrics: ParticipantMetrics, logger: Logger) {
    this.#metrics = metrics;
    this.#logger = logger;
  }

  get stats(): ParticipantStats {
    return this.#stats;
  }

  handled(
    messageType: string,
    direction: Direction,
    outcome: CommandOutcome,
    durationMs: number,
  ): void {
    const counter = OUTCOME_COUNTER[outcome];
    this.#count('handled', 1);
    if (counter !== null) this.#count(counter, 1);
    this.#call('onHandled', () =>
      this.#metrics.onHandled?.({ messageType, direction, outcome, durationMs }),
    );
  }

  duplicate(reason: DuplicateReason, count: number): void {
    if (count === 0) return;
    this.#count(reason === 'redelivered' ? 'redelivered' : 'stepDuplicates', count);
    this.#call('onDuplicate', () => this.#metrics.onDuplicate?.({ reason, count }));
  }

  failure(messageType: string, kind: 'business' | 'technical' | 'retry', code: string): void {
    if (kind === 'retry') this.#count('retries', 1);
    this.#call('onFailure', () => this.#metrics.onFailure?.({ messageType, kind, code }));
  }

  deadLetter(reasonCode: string): void {
    this.#count('deadLetters', 1);
    this.#call('onDeadLetter', () => this.#metrics.onDeadLetter?.({ reasonCode }));
  }

  jobLost(queue: string): void {
    this.#count('lostJobs', 1);
    this.#call('onJobLost', () => this.#metrics.onJobLost?.({ queue }));
  }

  #count(counter: keyof ParticipantStats, by: number): void {
    this.#stats = { ...this.#stats, [counter]: this.#stats[counter] + by };
  }

  #call(hook: keyof ParticipantMetrics, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#logger.warn(`participant metrics hook ${hook} threw`, { error });
    }
  }
}

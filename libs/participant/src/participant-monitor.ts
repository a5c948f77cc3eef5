import { type Direction, type Logger } from '@sagaflow/core';

import {
  type CommandOutcome,
  type DuplicateReason,
  type ParticipantObserver,
  type ParticipantStats,
} from './participant-observer';

const OUTCOME_COUNTER: Readonly<Record<CommandOutcome, keyof ParticipantStats | null>> = {
  applied: 'applied',
  stored: null,
  'nothing-to-undo': 'nothingToUndo',
  'business-failure': 'businessFailures',
  'technical-failure': 'technicalFailures',
};

/** Counts what a participant does and forwards it to the user's observer. */
export class ParticipantMonitor {
  readonly #observer: ParticipantObserver;
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

  constructor(observer: ParticipantObserver, logger: Logger) {
    this.#observer = observer;
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
      this.#observer.onHandled?.({ messageType, direction, outcome, durationMs }),
    );
  }

  duplicate(reason: DuplicateReason, count: number): void {
    if (count === 0) return;
    this.#count(reason === 'redelivered' ? 'redelivered' : 'stepDuplicates', count);
    this.#call('onDuplicate', () => this.#observer.onDuplicate?.({ reason, count }));
  }

  failure(messageType: string, kind: 'business' | 'technical' | 'retry', code: string): void {
    if (kind === 'retry') this.#count('retries', 1);
    this.#call('onFailure', () => this.#observer.onFailure?.({ messageType, kind, code }));
  }

  deadLetter(reasonCode: string): void {
    this.#count('deadLetters', 1);
    this.#call('onDeadLetter', () => this.#observer.onDeadLetter?.({ reasonCode }));
  }

  jobLost(queue: string): void {
    this.#count('lostJobs', 1);
    this.#call('onJobLost', () => this.#observer.onJobLost?.({ queue }));
  }

  #count(counter: keyof ParticipantStats, by: number): void {
    this.#stats = { ...this.#stats, [counter]: this.#stats[counter] + by };
  }

  #call(hook: keyof ParticipantObserver, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#logger.warn(`participant observer hook ${hook} threw`, { error });
    }
  }
}

import { type Direction, type Logger, notifyObserver } from '@sagaflow/core';

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
    notifyObserver(
      this.#observer,
      'onHandled',
      { messageType, direction, outcome, durationMs },
      { logger: this.#logger, component: 'participant' },
    );
  }

  duplicate(reason: DuplicateReason, count: number): void {
    if (count === 0) return;
    this.#count(reason === 'redelivered' ? 'redelivered' : 'stepDuplicates', count);
    notifyObserver(
      this.#observer,
      'onDuplicate',
      { reason, count },
      { logger: this.#logger, component: 'participant' },
    );
  }

  failure(messageType: string, kind: 'business' | 'technical' | 'retry', code: string): void {
    if (kind === 'retry') this.#count('retries', 1);
    notifyObserver(
      this.#observer,
      'onFailure',
      { messageType, kind, code },
      { logger: this.#logger, component: 'participant' },
    );
  }

  deadLetter(reasonCode: string): void {
    this.#count('deadLetters', 1);
    notifyObserver(
      this.#observer,
      'onDeadLetter',
      { reasonCode },
      { logger: this.#logger, component: 'participant' },
    );
  }

  jobLost(queue: string): void {
    this.#count('lostJobs', 1);
    notifyObserver(
      this.#observer,
      'onJobLost',
      { queue },
      { logger: this.#logger, component: 'participant' },
    );
  }

  #count(counter: keyof ParticipantStats, by: number): void {
    this.#stats = { ...this.#stats, [counter]: this.#stats[counter] + by };
  }
}

import { checkFiniteNumber, checkTime } from '../errors/validation';
import { InvalidArgumentError } from '../errors/errors';
import { type Clock } from '../ports/clock';

/**
 * A clock that moves only when told to: tests and the in-memory runtime use it to make
 * time-dependent behaviour (timeouts, back-offs) deterministic. It never moves backwards.
 *
 * @example
 * ```ts
 * const clock = new ManualClock(new Date('2030-01-01T00:00:00Z'));
 * clock.advance(5_000);
 * clock.now().toISOString(); // '2030-01-01T00:00:05.000Z'
 * ```
 */
export class ManualClock implements Clock {
  #nowMs: number;

  /** @param start - the initial time, a `Date` or an ISO-8601 string. */
  constructor(start: Date | string) {
    this.#nowMs = checkTime('start', start);
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  /** Moves the clock to `time`, which must not be earlier than the current time. */
  set(time: Date | string): void {
    const ms = checkTime('time', time);
    if (ms < this.#nowMs) {
      throw new InvalidArgumentError(
        'time',
        time,
        `must not be earlier than the clock (${new Date(this.#nowMs).toISOString()})`,
      );
    }
    this.#nowMs = ms;
  }

  /** Moves the clock forward by `ms` milliseconds and returns the new time. */
  advance(ms: number): Date {
    this.#nowMs += checkFiniteNumber('ms', ms, 0);
    return this.now();
  }
}

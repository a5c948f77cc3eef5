import { checkInteger } from '../errors/validation';

/**
 * A small deterministic pseudo-random generator (mulberry32): the same seed gives the same
 * sequence, so a test that reorders deliveries "randomly" fails the same way every run.
 *
 * @example
 * ```ts
 * const random = new SeededRandom(42);
 * random.nextInt(10); // an integer in [0, 10), always the same for seed 42
 * ```
 */
export class SeededRandom {
  #state: number;

  /** @param seed - an integer from 0 to 2^32 - 1. */
  constructor(seed: number) {
    this.#state = checkInteger('seed', seed, 0, 0xffffffff);
  }

  /** The next number in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The next integer in [0, `bound`). */
  nextInt(bound: number): number {
    return Math.floor(this.next() * checkInteger('bound', bound, 1));
  }
}

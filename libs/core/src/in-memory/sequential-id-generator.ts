import { checkId, checkInteger } from '../errors/validation';
import { type IdGenerator } from '../ports/id-generator';

/** Options of {@link SequentialIdGenerator}. */
export interface SequentialIdGeneratorOptions {
  /**
   * Put before every id, separated by `-`; only `[A-Za-z0-9._-]`.
   * @defaultValue `'id'`
   */
  readonly prefix?: string;
  /**
   * The number of the first id.
   * @defaultValue `1`
   */
  readonly start?: number;
}

/**
 * Deterministic ids — `saga-1`, `saga-2`, … — so that tests can predict them.
 *
 * @example
 * ```ts
 * const ids = new SequentialIdGenerator({ prefix: 'saga' });
 * ids.newId(); // 'saga-1'
 * ```
 */
export class SequentialIdGenerator implements IdGenerator {
  readonly #prefix: string;
  #next: number;

  constructor(options: SequentialIdGeneratorOptions = {}) {
    this.#prefix = checkId('prefix', options.prefix ?? 'id');
    this.#next = checkInteger('start', options.start ?? 1, 0);
  }

  newId(): string {
    const id = `${this.#prefix}-${this.#next}`;
    this.#next += 1;
    return id;
  }
}

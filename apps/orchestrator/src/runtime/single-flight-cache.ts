import { checkOptions, isNonNegativeInteger } from '@sagaflow/core';

/** Options of {@link SingleFlightCache}. */
export interface SingleFlightCacheOptions<T> {
  /** Reads the value (a query, a broker request). Required. */
  readonly read: () => Promise<T>;
  /**
   * How long a value is served after its read completed before it is read again, in ms,
   * 0–3600000; 0 shares a read in progress and keeps nothing.
   * @defaultValue `5000`
   */
  readonly ttlMs?: number;
  /** Monotonic milliseconds. @defaultValue `performance.now()` */
  readonly now?: () => number;
}

const MAX_TTL_MS = 3_600_000;

/**
 * A value read at most once per `ttlMs`, whoever asks: callers within the TTL get the
 * cached value, and callers that ask while a read runs share it (single flight). A failed
 * read is not cached: its callers get its error, and the next caller reads again.
 *
 * @example
 * ```ts
 * const lag = new SingleFlightCache({ read: () => readConsumerLag(admin, groups), ttlMs: 5000 });
 * await Promise.all([lag.get(), lag.get()]); // one read
 * ```
 */
export class SingleFlightCache<T> {
  readonly #read: () => Promise<T>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached: { readonly value: T; readonly atMs: number } | null = null;
  #reading: Promise<T> | null = null;

  /** @throws InvalidArgumentError naming each bad option. */
  constructor(options: SingleFlightCacheOptions<T>) {
    this.#read = options.read;
    this.#ttlMs = options.ttlMs ?? 5000;
    this.#now = options.now ?? (() => performance.now());
    checkOptions('SingleFlightCache', [
      ['read', '[callback]', typeof this.#read === 'function', 'a function'],
      [
        'ttlMs',
        this.#ttlMs,
        isNonNegativeInteger(this.#ttlMs) && this.#ttlMs <= MAX_TTL_MS,
        `an integer from 0 to ${MAX_TTL_MS}`,
      ],
      ['now', '[callback]', typeof this.#now === 'function', 'a function'],
    ]);
  }

  /** The value read less than `ttlMs` ago, or the read in progress, or a new read. */
  get(): Promise<T> {
    const cached = this.#cached;
    if (cached !== null && this.#now() - cached.atMs < this.#ttlMs) {
      return Promise.resolve(cached.value);
    }
    this.#reading ??= this.#refresh();
    return this.#reading;
  }

  /** Forgets the cached value: the next {@link get} reads again (a read in progress is kept). */
  invalidate(): void {
    this.#cached = null;
  }

  async #refresh(): Promise<T> {
    try {
      const value = await this.#read();
      this.#cached = { value, atMs: this.#now() };
      return value;
    } finally {
      this.#reading = null;
    }
  }
}

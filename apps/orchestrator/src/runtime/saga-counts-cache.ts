import { type SagaCounts, type SagaQueryPort } from '../http/ports/saga-query-port';
import { SingleFlightCache } from './single-flight-cache';

/** Options of {@link SagaCountsCache}. */
export interface SagaCountsCacheOptions {
  /**
   * How long counts are served before they are counted again, in ms, 0–3600000.
   * @defaultValue `5000`
   */
  readonly ttlMs?: number;
  /** Monotonic milliseconds. @defaultValue `performance.now()` */
  readonly now?: () => number;
}

/**
 * The saga counts by type and status (`SagaQueries.counts()`, a `GROUP BY` over an index of
 * every saga), counted at most once per `ttlMs` for every reader together: the
 * `sagaflow_sagas` gauge at each scrape and `GET /stats` share one count. Concurrent readers
 * share a count in progress; a failed count is not kept.
 *
 * @example
 * ```ts
 * const sagaCounts = new SagaCountsCache(new SagaQueries(dataSource));
 * const { byStatus } = await sagaCounts.counts();
 * createHttpApi({ ...deps, sagas: { ...queriesPort, counts: () => sagaCounts.counts() } });
 * ```
 */
export class SagaCountsCache implements Pick<SagaQueryPort, 'counts'> {
  readonly #cache: SingleFlightCache<SagaCounts>;

  /** @throws InvalidArgumentError naming each bad option. */
  constructor(source: Pick<SagaQueryPort, 'counts'>, options: SagaCountsCacheOptions = {}) {
    this.#cache = new SingleFlightCache({ read: () => source.counts(), ...options });
  }

  /** The counts, at most `ttlMs` old. */
  counts(): Promise<SagaCounts> {
    return this.#cache.get();
  }

  /** Forgets the counts: the next reader counts again. */
  invalidate(): void {
    this.#cache.invalidate();
  }
}

/**
 * Why a request was refused: `starting` — the event store is not open yet (the instance
 * listens before it connects, so that probes answer at once); `pending-replies` /
 * `in-flight-sagas` — a backlog is at or above its bound (see {@link AdmissionPort.admitStart}).
 */
export type RefusalReason = 'starting' | 'pending-replies' | 'in-flight-sagas';

/** What an {@link AdmissionPort} decided. */
export type AdmissionDecision =
  | { readonly admitted: true }
  | {
      readonly admitted: false;
      readonly reason: RefusalReason;
      /** How long the client should wait before it tries again: the `Retry-After` header. */
      readonly retryAfterSeconds: number;
      /** The backlog count that reached its bound; null for `starting`. */
      readonly count: number | null;
      /** That bound; null for `starting`. */
      readonly bound: number | null;
    };

/**
 * Decides whether the API takes work now. The runtime's `AdmissionControl` implements it
 * over MySQL counts; without one, everything is admitted.
 *
 * @example
 * ```ts
 * const admitAll: AdmissionPort = {
 *   admitRequest: () => ({ admitted: true }),
 *   admitStart: () => Promise.resolve({ admitted: true }),
 * };
 * createHttpApi({ ...deps, admission: admitAll });
 * ```
 */
export interface AdmissionPort {
  /**
   * Whether a request that reads or writes the database may run: every route but
   * `/health`, `/ready` and `/metrics`. Synchronous, no I/O.
   */
  admitRequest(): AdmissionDecision;
  /**
   * Whether a new saga may start (`POST /sagas`): {@link admitRequest}, then the backlog
   * bounds. Reads a cached count: at most one query per refresh interval, however many
   * requests ask.
   */
  admitStart(): Promise<AdmissionDecision>;
}

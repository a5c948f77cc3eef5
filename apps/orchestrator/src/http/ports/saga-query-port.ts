import { type SagaStatus } from '@sagaflow/core';

/** One saga of a listing: the `saga_instance` projection, without its data and state. */
export interface SagaSummary {
  readonly sagaId: string;
  readonly sagaType: string;
  readonly sagaVersion: number;
  readonly businessKey: string | null;
  readonly status: SagaStatus;
  /** Steps with an attempt in flight or waiting for a retry. */
  readonly activeSteps: readonly string[];
  /** The reason code of the failure the saga compensates for (`ABORTED` after an abort), else null. */
  readonly failureCode: string | null;
  /** Events in the saga's stream. */
  readonly version: number;
  /** ISO-8601 UTC. */
  readonly startedAt: string;
  readonly updatedAt: string;
  /** When it reached COMPLETED or COMPENSATED; null before. */
  readonly endedAt: string | null;
}

/** Filters of {@link SagaQueryPort.list}; every field set narrows the listing. */
export interface SagaListQuery {
  /** Page size, 1–500. */
  readonly limit: number;
  /** The `nextCursor` of the previous page, listed with the same filters. */
  readonly cursor?: string;
  readonly status?: SagaStatus;
  readonly sagaType?: string;
  readonly businessKey?: string;
}

/** One page of sagas, newest first. */
export interface SagaPage {
  readonly items: readonly SagaSummary[];
  /** Pass it as `cursor` to read the next page; null on the last page. */
  readonly nextCursor: string | null;
}

/** How many sagas there are, by status and by type. */
export interface SagaCounts {
  readonly total: number;
  /** Every status, 0 when none. */
  readonly byStatus: Readonly<Record<SagaStatus, number>>;
  /** Per saga type, every status (0 when none). */
  readonly byType: Readonly<Record<string, Readonly<Record<SagaStatus, number>>>>;
}

/** The window of {@link SagaQueryPort.stats}: `[from, to)`. */
export interface SagaStatsQuery {
  readonly from: Date;
  readonly to: Date;
}

/** Saga durations (`endedAt − startedAt`) in milliseconds; percentiles by nearest rank. */
export interface SagaLatency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

/** What happened in a window. */
export interface SagaStats {
  /** ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
  /** Sagas started in the window. */
  readonly started: number;
  /** Sagas that reached COMPLETED or COMPENSATED in the window. */
  readonly ended: number;
  readonly completed: number;
  readonly compensated: number;
  /** Ended sagas per second of the window. */
  readonly throughputPerSecond: number;
  /** Durations of the sagas ended in the window; null when none ended. */
  readonly latencyMs: SagaLatency | null;
}

/**
 * The read side the status API lists sagas and computes statistics from: the
 * `saga_instance` projection. `SagaQueries` of `@sagaflow/mysql` fits as it is.
 *
 * Contract:
 * - `list` returns the sagas matching every filter given, newest first (`startedAt`, then
 *   `sagaId`, descending), at most `limit`, and a `nextCursor` when more follow; a cursor
 *   it did not issue is rejected with an `InvalidArgumentError` (answered 400);
 * - `counts` covers every saga; `stats` the sagas started, and ended, in `[from, to)`.
 *
 * @example
 * ```ts
 * createHttpApi({ ...deps, sagas: new SagaQueries(dataSource) }, options);
 * ```
 */
export interface SagaQueryPort {
  list(query: SagaListQuery): Promise<SagaPage>;
  counts(): Promise<SagaCounts>;
  stats(query: SagaStatsQuery): Promise<SagaStats>;
}

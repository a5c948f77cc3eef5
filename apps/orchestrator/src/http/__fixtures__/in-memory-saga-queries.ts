import {
  InvalidArgumentError,
  SAGA_STATUSES,
  type SagaState,
  type SagaStatus,
} from '@sagaflow/core';
import { type InMemoryEventStore } from '@sagaflow/core/testing';

import {
  type SagaCounts,
  type SagaListQuery,
  type SagaPage,
  type SagaQueryPort,
  type SagaStats,
  type SagaStatsQuery,
  type SagaSummary,
  type SagaTimeline,
  type SagaTimelineQuery,
} from '../ports/saga-query-port';

/** {@link SagaQueryPort} over the projections of an in-memory event store. */
export class InMemorySagaQueries implements SagaQueryPort {
  readonly #store: InMemoryEventStore;

  constructor(store: InMemoryEventStore) {
    this.#store = store;
  }

  list(query: SagaListQuery): Promise<SagaPage> {
    const statuses =
      query.status === undefined
        ? null
        : new Set<SagaStatus>(typeof query.status === 'string' ? [query.status] : query.status);
    const sort =
      query.sort ??
      ((query.updatedAfter ?? query.updatedBefore ?? query.stuckSince) ? 'updated' : 'started');
    const at = (state: SagaState) =>
      Date.parse(sort === 'started' ? state.startedAt : state.updatedAt);
    const within = (iso: string, after?: Date, before?: Date) =>
      (after === undefined || Date.parse(iso) >= after.getTime()) &&
      (before === undefined || Date.parse(iso) < before.getTime());
    const stuck = (state: SagaState) =>
      query.stuckSince === undefined ||
      state.status === 'COMPENSATION_FAILED' ||
      ((state.status === 'RUNNING' || state.status === 'COMPENSATING') &&
        Date.parse(state.updatedAt) < query.stuckSince.getTime());
    const direction = query.order === 'asc' ? -1 : 1;
    const matching = this.#states()
      .filter(
        (state) =>
          (statuses === null || statuses.has(state.status)) &&
          (query.sagaType === undefined || state.sagaType === query.sagaType) &&
          (query.businessKey === undefined || state.businessKey === query.businessKey) &&
          within(state.startedAt, query.startedAfter, query.startedBefore) &&
          within(state.updatedAt, query.updatedAfter, query.updatedBefore) &&
          stuck(state),
      )
      .sort((a, b) => direction * (at(b) - at(a) || compare(b.sagaId, a.sagaId)));
    let start = 0;
    if (query.cursor !== undefined) {
      const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
      const index = matching.findIndex((state) => state.sagaId === after);
      if (index === -1) {
        return Promise.reject(
          new InvalidArgumentError(
            'cursor',
            query.cursor,
            'must be a cursor returned by a listing',
          ),
        );
      }
      start = index + 1;
    }
    const page = matching.slice(start, start + query.limit);
    const last = page.at(-1);
    const more = start + query.limit < matching.length;
    return Promise.resolve({
      items: page.map(toSummary),
      nextCursor:
        more && last !== undefined ? Buffer.from(last.sagaId).toString('base64url') : null,
    });
  }

  counts(): Promise<SagaCounts> {
    const byStatus = zeroCounts();
    const byType: Record<string, Record<SagaStatus, number>> = {};
    const states = this.#states();
    for (const { sagaType, status } of states) {
      byStatus[status] += 1;
      (byType[sagaType] ??= zeroCounts())[status] += 1;
    }
    return Promise.resolve({ total: states.length, byStatus, byType });
  }

  stats(query: SagaStatsQuery): Promise<SagaStats> {
    const from = query.from.getTime();
    const to = query.to.getTime();
    const inWindow = (iso: string | null): boolean => {
      const at = iso === null ? NaN : Date.parse(iso);
      return at >= from && at < to;
    };
    const states = this.#states();
    const ended = states.filter((state) => inWindow(state.endedAt));
    const durations = ended
      .map((state) => Date.parse(state.endedAt ?? '') - Date.parse(state.startedAt))
      .sort((a, b) => a - b);
    const percentile = (p: number): number =>
      durations[Math.max(0, Math.ceil(p * durations.length) - 1)] ?? 0;
    const completed = ended.filter((state) => state.status === 'COMPLETED').length;
    return Promise.resolve({
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      started: states.filter((state) => inWindow(state.startedAt)).length,
      ended: ended.length,
      completed,
      compensated: ended.length - completed,
      throughputPerSecond: ended.length / ((to - from) / 1000),
      latencyMs:
        durations.length === 0
          ? null
          : {
              p50: percentile(0.5),
              p95: percentile(0.95),
              p99: percentile(0.99),
              mean: durations.reduce((sum, d) => sum + d, 0) / durations.length,
              max: durations.at(-1) ?? 0,
            },
    });
  }

  /** Exact nearest-rank percentiles: within the port's bound of the approximate ones. */
  timeline(query: SagaTimelineQuery): Promise<SagaTimeline> {
    const from = query.from.getTime();
    const to = query.to.getTime();
    const bucketMs = query.bucketSeconds * 1000;
    const count = Math.ceil((to - from) / bucketMs);
    if (!Number.isSafeInteger(query.bucketSeconds) || query.bucketSeconds < 1 || count > 1440) {
      return Promise.reject(
        new InvalidArgumentError(
          'bucketSeconds',
          query.bucketSeconds,
          'must make 1 to 1440 buckets',
        ),
      );
    }
    const bucketOf = (iso: string | null): number => {
      const at = iso === null ? NaN : Date.parse(iso);
      return at >= from && at < to ? Math.floor((at - from) / bucketMs) : -1;
    };
    const states = this.#states();
    return Promise.resolve({
      from: query.from.toISOString(),
      to: query.to.toISOString(),
      bucketSeconds: query.bucketSeconds,
      buckets: Array.from({ length: count }, (_, i) => {
        const ended = states.filter(
          (state) =>
            (state.status === 'COMPLETED' || state.status === 'COMPENSATED') &&
            bucketOf(state.endedAt) === i,
        );
        const durations = ended
          .map((state) => Date.parse(state.endedAt ?? '') - Date.parse(state.startedAt))
          .sort((a, b) => a - b);
        const percentile = (p: number): number =>
          durations[Math.max(0, Math.ceil(p * durations.length) - 1)] ?? 0;
        return {
          at: new Date(from + i * bucketMs).toISOString(),
          started: states.filter((state) => bucketOf(state.startedAt) === i).length,
          completed: ended.filter((state) => state.status === 'COMPLETED').length,
          compensated: ended.filter((state) => state.status === 'COMPENSATED').length,
          latencyMs:
            durations.length === 0
              ? null
              : { p50: percentile(0.5), p95: percentile(0.95), p99: percentile(0.99) },
        };
      }),
    });
  }

  #states(): SagaState[] {
    return this.#store.sagaIds().flatMap((sagaId) => this.#store.state(sagaId) ?? []);
  }
}

function toSummary(state: SagaState): SagaSummary {
  return {
    sagaId: state.sagaId,
    sagaType: state.sagaType,
    sagaVersion: state.sagaVersion,
    businessKey: state.businessKey,
    status: state.status,
    activeSteps: state.activeSteps,
    failureCode: state.failure?.code ?? null,
    version: state.version,
    startedAt: state.startedAt,
    updatedAt: state.updatedAt,
    endedAt: state.endedAt,
  };
}

function zeroCounts(): Record<SagaStatus, number> {
  return Object.fromEntries(SAGA_STATUSES.map((status) => [status, 0])) as Record<
    SagaStatus,
    number
  >;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

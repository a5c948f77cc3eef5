import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { type ResolvedHttpApiDeps } from '../http-api-deps';
import { parseRequest } from '../parse-request';
import { type SagaCounts, type SagaLatency } from '../ports/saga-query-port';
import { type RegisterRoutes } from '../route-context';

/** What `GET /stats` answers. */
export interface StatsView {
  /** `[from, to)`: the last `minutes` up to now. */
  readonly window: { readonly minutes: number; readonly from: string; readonly to: string };
  /** Every saga in the store, by status and by type. */
  readonly counts: SagaCounts;
  /** Sagas started in the window. */
  readonly started: number;
  /** Sagas that reached COMPLETED or COMPENSATED in the window. */
  readonly ended: number;
  readonly completed: number;
  readonly compensated: number;
  /** Sagas ended in the window per second of the window. */
  readonly sagasPerSecond: number;
  /** Durations of the sagas ended in the window (p50, p95, p99, mean, max); null when none. */
  readonly latencyMs: SagaLatency | null;
  /** FAILED EventProcess records; null when the inbox port does not count them. */
  readonly eventProcess: { readonly failed: number } | null;
  /** Unpublished outbox messages; null when no outbox port is wired. */
  readonly outbox: { readonly pending: number } | null;
}

const statsQuerySchema = z.strictObject({
  windowMinutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
});

/**
 * `GET /stats?windowMinutes=` (1–10080, default 60): counts by status and type, sagas
 * started and ended in the window, their throughput and latency percentiles, FAILED
 * EventProcess records and the outbox backlog when their ports provide them. Needs `viewer`.
 * Counting a large `saga_instance` reads whole index ranges, so the answer for a window is
 * reused for `statsCacheMs` (and concurrent calls share one computation): `window.to` says
 * when it was computed.
 */
export const registerStatsRoutes: RegisterRoutes = (app, { deps, options }) => {
  // Per window: the answer computed last, and when; a call within `statsCacheMs` shares it.
  const recent = new Map<number, { readonly at: number; readonly view: Promise<StatsView> }>();

  const stats: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'getStats',
        summary: 'Saga counts, throughput and latency percentiles over a window',
        description:
          'Counts by status and type, sagas started and ended in the window, their throughput and latency percentiles, FAILED EventProcess records and the outbox backlog.',
        tags: ['stats'],
        query: statsQuerySchema,
        responses: { 200: 'The statistics' },
      },
    },
  };
  app.get('/stats', stats, (request): Promise<StatsView> => {
    const { windowMinutes } = parseRequest(statsQuerySchema, request.query, 'query');
    const now = deps.clock.now().getTime();
    const cached = recent.get(windowMinutes);
    if (cached !== undefined && now - cached.at < options.statsCacheMs) return cached.view;
    const view = computeStats(deps, windowMinutes);
    if (options.statsCacheMs > 0) {
      recent.set(windowMinutes, { at: now, view });
      // A failure is not kept: the next call asks again.
      void view.catch(() => {
        if (recent.get(windowMinutes)?.view === view) recent.delete(windowMinutes);
      });
    }
    return view;
  });
};

async function computeStats(deps: ResolvedHttpApiDeps, windowMinutes: number): Promise<StatsView> {
  const to = deps.clock.now();
  const from = new Date(to.getTime() - windowMinutes * 60_000);
  const { failedInbox } = deps;
  const [counts, stats, failed, pending] = await Promise.all([
    deps.sagas.counts(),
    deps.sagas.stats({ from, to }),
    failedInbox.countFailed === undefined ? null : failedInbox.countFailed(),
    deps.outbox === null ? null : deps.outbox.pendingCount(),
  ]);
  return {
    window: { minutes: windowMinutes, from: from.toISOString(), to: to.toISOString() },
    counts,
    started: stats.started,
    ended: stats.ended,
    completed: stats.completed,
    compensated: stats.compensated,
    sagasPerSecond: stats.throughputPerSecond,
    latencyMs: stats.latencyMs,
    eventProcess: failed === null ? null : { failed },
    outbox: pending === null ? null : { pending },
  };
}

import { type Clock } from '@sagaflow/core';
import { type RouteShorthandOptions } from 'fastify';
import { z } from 'zod';

import { type ResolvedHttpApiDeps } from '../http-api-deps';
import { parseRequest } from '../parse-request';
import {
  type SagaCounts,
  type SagaLatency,
  type SagaTimelineBucket,
} from '../ports/saga-query-port';
import { type RegisterRoutes } from '../route-context';

/** The window of an answer: `[from, to)`, the last `minutes` up to when it was computed. */
export interface StatsWindow {
  readonly minutes: number;
  /** ISO-8601 UTC. */
  readonly from: string;
  readonly to: string;
}

/** What `GET /stats` answers. */
export interface StatsView {
  /** `[from, to)`: the last `minutes` up to now. */
  readonly window: StatsWindow;
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
  /** FAILED EventProcess records; null when the EventProcess port does not count them. */
  readonly eventProcess: { readonly failed: number } | null;
  /** Unpublished outbox messages; null when no outbox port is wired. */
  readonly outbox: { readonly pending: number } | null;
}

/** What `GET /stats/timeline` answers. */
export interface TimelineView {
  /** `[from, to)`: the last `minutes` up to now. */
  readonly window: StatsWindow;
  readonly bucketSeconds: number;
  /**
   * Every bucket of the window, oldest first, zero-filled: bucket `i` covers
   * `[from + i·bucketSeconds, from + (i+1)·bucketSeconds)` (the last one stops at `to`).
   * Its `latencyMs` percentiles are at or above the exact nearest-rank values, by less than
   * 9.05 % of them.
   */
  readonly buckets: readonly SagaTimelineBucket[];
}

/** The most buckets a timeline answers: a day of minutes. */
const MAX_TIMELINE_BUCKETS = 1440;

const windowMinutesSchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60)
  .default(60);

const statsQuerySchema = z.strictObject({ windowMinutes: windowMinutesSchema });

const timelineQuerySchema = z
  .strictObject({
    windowMinutes: windowMinutesSchema.meta({ description: 'The last minutes up to now' }),
    bucketSeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(60)
      .meta({
        description: `The width of a bucket, in seconds: at most ${MAX_TIMELINE_BUCKETS} buckets of the window`,
      }),
  })
  .superRefine(({ windowMinutes, bucketSeconds }, context) => {
    if (windowMinutes * 60 <= MAX_TIMELINE_BUCKETS * bucketSeconds) return;
    const buckets = Math.ceil((windowMinutes * 60) / bucketSeconds);
    context.addIssue({
      code: 'custom',
      path: ['bucketSeconds'],
      message: `${bucketSeconds}-second buckets make ${buckets} buckets of a ${windowMinutes}-minute window, more than ${MAX_TIMELINE_BUCKETS}: widen the buckets or shorten the window`,
    });
  });

/**
 * `GET /stats?windowMinutes=` (1–10080, default 60): counts by status and type, sagas
 * started and ended in the window, their throughput and latency percentiles, FAILED
 * EventProcess records and the outbox backlog when their ports provide them.
 * `GET /stats/timeline?windowMinutes=&bucketSeconds=` (1–86400, default 60; at most 1440
 * buckets): the sagas started, completed and compensated, and their p50/p95/p99 duration,
 * bucket by bucket. Both need `viewer`. Each reads whole index ranges of a large
 * `saga_instance`, so an answer is reused for `statsCacheMs` per query (and concurrent calls
 * share one computation): `window.to` says when it was computed.
 */
export const registerStatsRoutes: RegisterRoutes = (app, { deps, options }) => {
  const recentStats = recentAnswers<StatsView>(deps.clock, options.statsCacheMs);
  const recentTimelines = recentAnswers<TimelineView>(deps.clock, options.statsCacheMs);

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
    return recentStats(String(windowMinutes), () => computeStats(deps, windowMinutes));
  });

  const timeline: RouteShorthandOptions = {
    config: {
      access: 'viewer',
      docs: {
        operationId: 'getStatsTimeline',
        summary: 'Sagas started and ended, and their latency percentiles, bucket by bucket',
        description: `The sagas started, completed and compensated in each bucket of the window, every bucket present (zero-filled) oldest first, and the p50/p95/p99 duration of those ended in it (\`null\` when none): approximate, at or above the exact nearest-rank value by less than 9.05 %. At most ${MAX_TIMELINE_BUCKETS} buckets (\`windowMinutes × 60 / bucketSeconds\`).`,
        tags: ['stats'],
        query: timelineQuerySchema,
        responses: { 200: 'The buckets of the window' },
      },
    },
  };
  app.get('/stats/timeline', timeline, (request): Promise<TimelineView> => {
    const { windowMinutes, bucketSeconds } = parseRequest(
      timelineQuerySchema,
      request.query,
      'query',
    );
    return recentTimelines(`${windowMinutes}/${bucketSeconds}`, () =>
      computeTimeline(deps, windowMinutes, bucketSeconds),
    );
  });
};

/**
 * Answers by key, each computed at most once per `ttlMs` of `clock`: a call within `ttlMs`
 * of the computation of its key's answer shares it, a computation in progress included; a
 * failed one is not kept, so the next call computes anew. Answers older than `ttlMs` are
 * dropped whenever one is added: only the keys asked for in the last `ttlMs` are held.
 */
function recentAnswers<T>(
  clock: Clock,
  ttlMs: number,
): (key: string, compute: () => Promise<T>) => Promise<T> {
  const answers = new Map<string, { readonly at: number; readonly answer: Promise<T> }>();
  return (key, compute) => {
    const now = clock.now().getTime();
    const recent = answers.get(key);
    if (recent !== undefined && now - recent.at < ttlMs) return recent.answer;
    const answer = compute();
    if (ttlMs > 0) {
      for (const [other, { at }] of answers) if (now - at >= ttlMs) answers.delete(other);
      answers.set(key, { at: now, answer });
      void answer.catch(() => {
        if (answers.get(key)?.answer === answer) answers.delete(key);
      });
    }
    return answer;
  };
}

/** `[now − minutes, now)`, as dates and as an answer's window. */
function windowEndingNow(
  clock: Clock,
  minutes: number,
): { readonly from: Date; readonly to: Date; readonly view: StatsWindow } {
  const to = clock.now();
  const from = new Date(to.getTime() - minutes * 60_000);
  return { from, to, view: { minutes, from: from.toISOString(), to: to.toISOString() } };
}

async function computeTimeline(
  deps: ResolvedHttpApiDeps,
  windowMinutes: number,
  bucketSeconds: number,
): Promise<TimelineView> {
  const { from, to, view } = windowEndingNow(deps.clock, windowMinutes);
  const { buckets } = await deps.sagas.timeline({ from, to, bucketSeconds });
  return { window: view, bucketSeconds, buckets };
}

async function computeStats(deps: ResolvedHttpApiDeps, windowMinutes: number): Promise<StatsView> {
  const { from, to, view } = windowEndingNow(deps.clock, windowMinutes);
  const { failedEventProcess } = deps;
  const [counts, stats, failed, pending] = await Promise.all([
    deps.sagas.counts(),
    deps.sagas.stats({ from, to }),
    failedEventProcess.countFailed === undefined ? null : failedEventProcess.countFailed(),
    deps.outbox === null ? null : deps.outbox.pendingCount(),
  ]);
  return {
    window: view,
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

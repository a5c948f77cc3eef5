import { setTimeout as sleep } from 'node:timers/promises';

import { checkOptions, isPositiveInteger, SAGA_STATUSES, SagaStatus } from '@sagaflow/core';
import { PLACE_ORDER, type PlaceOrderInput } from '@sagaflow/examples';

import { type OrchestratorClient, OrchestratorRequestError } from '../stack/orchestrator-client';

/** Where a run of sagas is; {@link RunSagasOptions.onProgress} gets one after each poll. */
export interface SagaRunProgress {
  readonly total: number;
  /** Sagas the orchestrator accepted so far. */
  readonly started: number;
  /** Sagas that reached COMPLETED, COMPENSATED or COMPENSATION_FAILED. */
  readonly ended: number;
  /** The last status seen of every started saga. */
  readonly byStatus: Readonly<Record<SagaStatus, number>>;
  readonly elapsedMs: number;
}

/** What {@link runSagas} did. */
export interface SagaRunResult {
  /** The saga of each order, in the order of the orders. */
  readonly sagaIds: readonly string[];
  /** Sagas still RUNNING or COMPENSATING when the drain timeout passed (empty normally). */
  readonly stillRunning: readonly string[];
  readonly startedAt: Date;
  readonly finishedAt: Date;
}

/** Options of {@link runSagas}. */
export interface RunSagasOptions {
  /**
   * The orchestrator's API; with several instances, each start attempt goes to the next one
   * (a start that fails on one is tried on the other).
   */
  readonly api: OrchestratorClient | readonly OrchestratorClient[];
  readonly orders: readonly PlaceOrderInput[];
  /** Sagas in flight at most: a new one starts when one ends. */
  readonly concurrency: number;
  /** Reads the current status of sagas (the orchestrator database's `saga_instance`). */
  readonly statuses: (sagaIds: readonly string[]) => Promise<ReadonlyMap<string, SagaStatus>>;
  /** @defaultValue `100` */
  readonly pollIntervalMs?: number;
  /** How long to wait for the last sagas to end once all started. @defaultValue `120000` */
  readonly drainTimeoutMs?: number;
  /**
   * Tries of one `POST /sagas` (network errors, 429 and 5xx; the business key makes a retry
   * safe), 0.2 s apart and doubling up to 5 s. @defaultValue `6`
   */
  readonly startAttempts?: number;
  readonly onProgress?: (progress: SagaRunProgress) => void;
}

/** Start requests sent at once. */
const START_PARALLELISM = 16;
const ENDED: readonly SagaStatus[] = [
  SagaStatus.Completed,
  SagaStatus.Compensated,
  SagaStatus.CompensationFailed,
];

/**
 * Starts a place-order saga per order through `POST /sagas` (the order id as business key),
 * keeping at most `concurrency` of them in flight, and waits for every one to end (reach
 * COMPLETED, COMPENSATED or COMPENSATION_FAILED), or for the drain timeout.
 *
 * @throws OrchestratorRequestError when a saga could not be started after every attempt.
 *
 * @example
 * ```ts
 * const result = await runSagas({ api: stack.api, orders, concurrency: 16, statuses: (ids) => db.sagaStatuses(ids) });
 * ```
 */
export async function runSagas(options: RunSagasOptions): Promise<SagaRunResult> {
  const pollIntervalMs = options.pollIntervalMs ?? 100;
  const drainTimeoutMs = options.drainTimeoutMs ?? 120_000;
  const startAttempts = options.startAttempts ?? 6;
  const apis = Array.isArray(options.api) ? options.api : [options.api];
  checkOptions('runSagas', [
    ['api', apis.length, apis.length > 0, 'an orchestrator API, or a non-empty list of them'],
    ['concurrency', options.concurrency, isPositiveInteger(options.concurrency), 'an integer > 0'],
    ['pollIntervalMs', pollIntervalMs, isPositiveInteger(pollIntervalMs), 'an integer > 0'],
    ['drainTimeoutMs', drainTimeoutMs, isPositiveInteger(drainTimeoutMs), 'an integer > 0'],
    ['startAttempts', startAttempts, isPositiveInteger(startAttempts), 'an integer > 0'],
  ]);
  const { orders } = options;
  const startedAt = new Date();
  const sagaIds: string[] = [];
  const status = new Map<string, SagaStatus>();
  const inFlight = new Set<string>();
  let drainDeadline: number | null = null;

  for (;;) {
    const room = Math.min(options.concurrency - inFlight.size, START_PARALLELISM);
    if (room > 0 && sagaIds.length < orders.length) {
      const batch = orders.slice(sagaIds.length, sagaIds.length + room);
      const first = sagaIds.length;
      const started = await Promise.all(
        batch.map((order, i) => startOne(apis, first + i, order, startAttempts)),
      );
      for (const saga of started) {
        sagaIds.push(saga.sagaId);
        status.set(saga.sagaId, saga.status);
        if (!ENDED.includes(saga.status)) inFlight.add(saga.sagaId);
      }
    }
    if (inFlight.size > 0) {
      const seen = await options.statuses([...inFlight]);
      for (const [sagaId, current] of seen) {
        status.set(sagaId, current);
        if (ENDED.includes(current)) inFlight.delete(sagaId);
      }
    }
    options.onProgress?.(progressOf(orders.length, sagaIds.length, status, startedAt));
    const allStarted = sagaIds.length === orders.length;
    if (allStarted && inFlight.size === 0) break;
    if (allStarted) {
      drainDeadline ??= Date.now() + drainTimeoutMs;
      if (Date.now() >= drainDeadline) break;
    }
    // Poll again at once while there is room to start more.
    if (!(options.concurrency > inFlight.size && !allStarted)) await sleep(pollIntervalMs);
  }
  return { sagaIds, stillRunning: [...inFlight], startedAt, finishedAt: new Date() };
}

async function startOne(
  apis: readonly OrchestratorClient[],
  index: number,
  order: PlaceOrderInput,
  attempts: number,
): Promise<{ sagaId: string; status: SagaStatus }> {
  for (let attempt = 1; ; attempt += 1) {
    const api = apis[(index + attempt) % apis.length];
    if (api === undefined) throw new RangeError('runSagas needs an orchestrator API');
    try {
      return await api.startSaga({
        sagaType: PLACE_ORDER,
        input: order,
        businessKey: order.orderId,
      });
    } catch (error: unknown) {
      const retryable = error instanceof OrchestratorRequestError && error.retryable;
      if (!retryable || attempt >= attempts) throw error;
      await sleep(Math.min(200 * 2 ** (attempt - 1), 5_000));
    }
  }
}

function progressOf(
  total: number,
  started: number,
  status: ReadonlyMap<string, SagaStatus>,
  startedAt: Date,
): SagaRunProgress {
  const byStatus = Object.fromEntries(SAGA_STATUSES.map((s) => [s, 0])) as Record<
    SagaStatus,
    number
  >;
  let ended = 0;
  for (const current of status.values()) {
    byStatus[current] += 1;
    if (ENDED.includes(current)) ended += 1;
  }
  return { total, started, ended, byStatus, elapsedMs: Date.now() - startedAt.getTime() };
}
